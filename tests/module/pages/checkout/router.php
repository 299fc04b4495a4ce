<?php

// The server of the checkout page fixture (php -S 127.0.0.1:PORT -t this-directory router.php): the page with the
// module's real script where Asset would put it, and sale.order.ajax's ajax.php answering a refresh with a new
// result whose points block the module's own CheckoutResult makes of the posted field. Each post is appended as a
// JSON line to the file in RUSTBOX_CHECKOUT_LOG, for the test to see what the browser sent.
//
// The buyer's session is the JSON file in RUSTBOX_CHECKOUT_STATE: whether the page was opened as a guest (?guest=1:
// no points block, as the module's handler leaves it for guests) and the codes typed into the coupon field. The
// fixture's Bitrix knows none of them, so enterCoupon answers as the component does when DiscountCouponsManager::add()
// fails (the bare code, no recalculation), and a refresh lists each as Bitrix lists a code it did not find, with
// Mindbox's verdict put on it by the module's own Coupons::show, which Mindbox here gives to every code.

declare(strict_types=1);

use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
use Rustbox\Mindbox\Loyalty\Checkout;
use Rustbox\Mindbox\Loyalty\CheckoutField;
use Rustbox\Mindbox\Loyalty\CheckoutResult;
use Rustbox\Mindbox\Loyalty\Coupons;
use Rustbox\Mindbox\Support\Kopecks;

require_once dirname(__DIR__, 3) . '/support/fakes/core.php';
Loader::registerNamespace('Rustbox\\Mindbox', dirname(__DIR__, 4) . '/bitrix-module/lib');
Loc::loadMessages(dirname(__DIR__, 4) . '/bitrix-module/lib/loyalty/checkoutplan.php');

const BALANCE_KOPECKS = 50000;

/** @return array{guest: bool, coupons: list<string>} */
function session(): array
{
    $file = getenv('RUSTBOX_CHECKOUT_STATE');
    $state = is_string($file) && is_file($file) ? json_decode((string)file_get_contents($file), true) : null;
    return is_array($state) ? $state + ['guest' => false, 'coupons' => []] : ['guest' => false, 'coupons' => []];
}

function keep(array $state): void
{
    $file = getenv('RUSTBOX_CHECKOUT_STATE');
    if (is_string($file) && $file !== '') {
        file_put_contents($file, json_encode($state), LOCK_EX);
    }
}

/** The component's JS_DATA for a buyer with 500 points who asked for $requested of them, or for a guest. */
function checkoutData(string $requested, string $name, array $state): array
{
    $coupons = [['COUPON' => 'WELCOME', 'JS_STATUS' => 'APPLIED', 'JS_CHECK_CODE' => 'applied']];
    foreach ($state['coupons'] as $code) {
        $coupons[] = ['COUPON' => $code, 'JS_STATUS' => 'BAD', 'JS_CHECK_CODE' => 'not found'];
    }
    $coupons = Coupons::show($coupons, array_fill_keys($state['coupons'], 'CanBeUsed'));
    $asked = is_numeric($requested) ? (int)round((float)$requested * 100) : 0;
    $spent = max(0, min($asked, BALANCE_KOPECKS));
    $message = $asked > BALANCE_KOPECKS ? Loc::getMessage('RUSTBOX_MINDBOX_POINTS_CLAMPED_BALANCE', [
        '#BALANCE#' => Kopecks::format(BALANCE_KOPECKS, 2), '#SPENT#' => Kopecks::format($spent, 2),
    ]) : null;
    $data = [
        'PERSON_TYPE' => [['ID' => 1, 'NAME' => 'Individual', 'CHECKED' => 'Y']],
        'ORDER_PROP' => ['properties' => [['ID' => 1, 'NAME' => 'Name', 'VALUE' => $name]]],
        'COUPON_LIST' => $coupons,
        'TOTAL' => ['ORDER_TOTAL_PRICE_FORMATED' => Kopecks::format(300000 - $spent, 2) . ' RUB'],
    ];
    if (!$state['guest']) {
        $data[CheckoutField::JS_DATA_KEY] = (new CheckoutResult(BALANCE_KOPECKS, $requested, $spent, $message, 2))->toJsData();
    }
    return $data;
}

$json = JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR;
$path = (string)parse_url((string)$_SERVER['REQUEST_URI'], PHP_URL_PATH);

if ($path === '/' || $path === '/index.html') {
    $state = ['guest' => ($_GET['guest'] ?? '') === '1', 'coupons' => []];
    keep($state);
    header('Content-Type: text/html; charset=utf-8');
    echo strtr((string)file_get_contents(__DIR__ . '/index.html'), [
        '<!--rustbox:after-js-->' => CheckoutField::script(),
        '/*rustbox:result*/{}' => json_encode(checkoutData('', 'Anna', $state), $json),
    ]);
    return true;
}

if ($path === '/bitrix/components/bitrix/sale.order.ajax/ajax.php' && $_SERVER['REQUEST_METHOD'] === 'POST') {
    $log = getenv('RUSTBOX_CHECKOUT_LOG');
    if (is_string($log) && $log !== '') {
        file_put_contents($log, json_encode($_POST, JSON_UNESCAPED_UNICODE) . "\n", FILE_APPEND | LOCK_EX);
    }
    $state = session();
    header('Content-Type: application/json; charset=utf-8');
    if (($_POST['soa-action'] ?? '') === 'enterCoupon') {
        $code = trim((string)($_POST['coupon'] ?? ''));
        if ($code !== '' && !in_array($code, $state['coupons'], true)) {
            $state['coupons'][] = $code;
            keep($state);
        }
        echo json_encode($code, $json);
        return true;
    }
    // removeCouponAction recalculates only for a coupon Bitrix applied; a code it does not know gets the bare code.
    if (($_POST['soa-action'] ?? '') === 'removeCoupon') {
        $code = trim((string)($_POST['coupon'] ?? ''));
        $state['coupons'] = array_values(array_diff($state['coupons'], [$code]));
        keep($state);
        echo json_encode($code, $json);
        return true;
    }
    $order = is_array($_POST['order'] ?? null) ? $_POST['order'] : [];
    echo json_encode(['order' => checkoutData(
        (string)($order[Checkout::FIELD] ?? ''),
        (string)($order['ORDER_PROP_1'] ?? ''),
        $state,
    )], $json);
    return true;
}

return false;
