<?php

declare(strict_types=1);

/**
 * A whole customer journey through the Bitrix module and the extension, on the fake Bitrix core of the tests:
 * an anonymous visitor browses the catalogue in a real headless Chromium (the module's tracker reports the category
 * and the product she views, with the deviceUUID the tracker gave her browser), fills a cart, registers (and is
 * logged in), places an order, the manager marks it paid, and the customer subscribes to e-mail. Then the outbox is
 * flushed and every operation the Mindbox emulator received, from the browser and from the server, is printed in
 * order, with its body. Then the shop's product feed (demo/feed.php), and last its history from before the module,
 * exported by bulk import (demo/history.php).
 *
 *     MINDBOX_DEMO_BASE_URL=http://127.0.0.1:PORT MINDBOX_DEMO_ENDPOINT=… MINDBOX_DEMO_SECRET=… \
 *         php -d extension=target/debug/libmindbox.so demo/journey.php
 */

use Bitrix\Sale\DiscountCouponsManager;
use MindboxTests\Bitrix\Fakes\FakeShop;
use MindboxTests\Support\PhpServer;
use Rustbox\Mindbox\Loyalty\Checkout;
use Rustbox\Mindbox\Loyalty\CheckoutField;
use Rustbox\Mindbox\Mindbox;

require dirname(__DIR__) . '/tests/support/fakes/core.php';
require dirname(__DIR__) . '/tests/support/process/DemoBrowser.php';
require dirname(__DIR__) . '/tests/support/process/PhpServer.php';
require __DIR__ . '/catalogue.php';
require __DIR__ . '/feed.php';
require __DIR__ . '/history.php';

function demoSetting(string $name): string
{
    $value = getenv($name);
    if (!is_string($value) || $value === '') {
        fwrite(STDERR, "$name is not set (the demo script starts the emulator and sets it)\n");
        exit(2);
    }
    return $value;
}

function step(string $text): void
{
    echo "- $text\n";
}

function journal(string $baseUrl): array
{
    $context = stream_context_create(['http' => ['timeout' => 10]]);
    $journal = json_decode((string)file_get_contents($baseUrl . '/__emulator/journal?outcome=processed', false, $context), true);
    $entries = $journal['requests'] ?? [];
    usort($entries, static fn (array $a, array $b) => $a['seq'] <=> $b['seq']);
    return $entries;
}

/** Sets up the emulator through its control API, as the tests do. */
function emulatorControl(string $baseUrl, string $path, array $body): void
{
    $context = stream_context_create(['http' => [
        'method' => 'POST', 'timeout' => 10, 'header' => "Content-Type: application/json\r\n",
        'content' => json_encode($body, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES),
    ]]);
    if (file_get_contents($baseUrl . $path, false, $context) === false) {
        fwrite(STDERR, "the emulator refused $path\n");
        exit(1);
    }
}

if (!extension_loaded('mindbox')) {
    fwrite(STDERR, "The mindbox extension is not loaded: run with php -d extension=/path/to/libmindbox.so\n");
    exit(2);
}
$baseUrl = rtrim(demoSetting('MINDBOX_DEMO_BASE_URL'), '/');
// A directory of the shop's own: the extension refuses an outbox where other users could reach it.
$outboxDir = sys_get_temp_dir() . '/rustbox-demo-' . getmypid();
mkdir($outboxDir, 0700);
$outbox = $outboxDir . '/outbox.sqlite';

$shop = FakeShop::open(['s1' => 'Demo shop']);
$shop->installModule();
$shop->configure([
    'endpoint_id' => demoSetting('MINDBOX_DEMO_ENDPOINT'),
    'secret_key' => demoSetting('MINDBOX_DEMO_SECRET'),
    'api_url' => $baseUrl,
    'outbox_path' => $outbox,
    'status_map' => json_encode(['N' => 'CheckedOut', 'P' => 'Paid', 'F' => 'Delivered', 'CANCELED' => 'Cancelled']),
]);

$history = DemoHistory::seed();
echo 'The shop had ', count($history['customers']), ' customers and ', count($history['orders']), " orders before the module was installed.\n";
echo "The shop:\n";
// The shop's public pages (demo/pages.php) on PHP's built-in server, for the browser.
$pages = PhpServer::start(__DIR__ . '/pages.php', ['PHP_CLI_SERVER_WORKERS' => '2']);
try {
    $browser = new DemoBrowser();
    $browser->open($pages->baseUrl . DemoCatalogue::SECTION['path']);
    $browser->open($pages->baseUrl . DemoCatalogue::PRODUCTS[101][3]);
} finally {
    $pages->stop();
}
$views = array_values(array_filter(journal($baseUrl), static fn (array $e) => $e['endpoint'] === 'tracker'));
$device = (string)($views[0]['deviceUUID'] ?? '');
if (count($views) !== 2 || $device === '') {
    fwrite(STDERR, "the browser's views did not reach Mindbox\n");
    exit(1);
}
step('an anonymous visitor opens the tea section and a tea in Chromium; the tracker gives her browser deviceUUID ' . $device);

DemoCatalogue::stock();
$shop->visit(['mindboxDeviceUUID' => $device], '203.0.113.25');
[$teaXmlId, , $teaPrice] = DemoCatalogue::PRODUCTS[101];
[$cupXmlId, , $cupPrice] = DemoCatalogue::PRODUCTS[205];
$shop->fillCart([[101, $teaXmlId, 2, $teaPrice, 50.0], [205, $cupXmlId, 1, $cupPrice, 0.0]]);
step('she puts two products in the cart');

$user = new CUser();
$registration = $user->Register('anna', 'Anna', 'Petrova', 'Secret-2026', 'Secret-2026', 'anna@example.com', 's1', '', 0, false, '+7 (900) 123-45-67');
$userId = (int)$registration['ID'];
step("she registers (user $userId) and is logged in");

// The shop runs its loyalty programme in Mindbox: Mindbox calculates carts, checks promo codes and keeps points.
$shop->configure(['loyalty_enabled' => 'Y', 'loyalty_mode' => 'processing']);
emulatorControl($baseUrl, '/__emulator/loyalty', [
    'promotions' => [['id' => 'TEA-WEEK', 'name' => 'Tea week: 10% off tea', 'percent' => 10, 'products' => [$teaXmlId]]],
    'promoCodes' => [['code' => 'WELCOME', 'amount' => 100]],
    'balances' => ["websiteID:$userId" => 500.0],
    'maxPointsPercent' => 50,
]);
$checkoutHit = static function (bool $place) use ($shop, $device): array {
    $shop->visit(['mindboxDeviceUUID' => $device], '203.0.113.25', post: [
        'order' => [Checkout::FIELD => '150'], 'via_ajax' => 'Y', 'soa-action' => $place ? 'saveOrderAjax' : 'refreshOrderAjax',
    ]);
    return $shop->checkout($place, 300.0);
};
$shop->visit(['mindboxDeviceUUID' => $device], '203.0.113.25');
DiscountCouponsManager::add('WELCOME');
$page = $checkoutHit(false)['result']['JS_DATA'];
$coupon = array_column($page['COUPON_LIST'], null, 'COUPON')['WELCOME'];
step(sprintf(
    'at checkout she types the promo code WELCOME (%s) and asks to pay 150 points of her %s; Mindbox calculates the cart:'
    . ' lines %s RUB (%s before discounts), delivery %s, total %s RUB',
    $coupon['STATUS_TEXT'],
    $page[CheckoutField::JS_DATA_KEY]['BALANCE_FORMATTED'],
    number_format($page['TOTAL']['ORDER_PRICE'], 2, '.', ' '),
    number_format($page['TOTAL']['PRICE_WITHOUT_DISCOUNT_VALUE'], 2, '.', ' '),
    number_format($page['TOTAL']['DELIVERY_PRICE'], 2, '.', ' '),
    number_format($page['TOTAL']['ORDER_TOTAL_PRICE'], 2, '.', ' '),
));
['order' => $order, 'result' => $placed] = $checkoutHit(true);
if ($placed['ERROR'] !== [] || $order->getId() <= 0) {
    fwrite(STDERR, 'the order was not placed: ' . implode('; ', $placed['ERROR']) . "\n");
    exit(1);
}
step('she places order ' . $order->getId() . ' (' . number_format($order->getPrice(), 2, '.', ' ') . ' RUB with delivery, as shown);'
    . ' Mindbox confirms it before Bitrix saves it, spending the points once');

$shop->visit([], '10.0.0.5', 's1', true);
$payment = $order->getPaymentCollection()->createItem();
$payment->setField('SUM', $order->getPrice());
$payment->setPaid('Y');
$order->setField('STATUS_ID', 'P');
$order->save();
step('a manager marks the order paid in the admin');

$shop->visit(['mindboxDeviceUUID' => $device], '203.0.113.25');
(new CSubscription())->Add(['EMAIL' => 'anna@example.com', 'USER_ID' => $userId, 'ACTIVE' => 'Y', 'FORMAT' => 'html'], 's1');
step('she subscribes to the newsletter');

$failures = array_column(CEventLog::fakeEntries(), 'DESCRIPTION');
$flushed = Mindbox::client('s1')->flush(10.0);
echo "\nMindbox received, in arrival order (the events of one order, or of one customer, keep their order;\n"
    . "\"tracker\" marks what the browser sent):\n";
foreach (journal($baseUrl) as $n => $entry) {
    $device = isset($entry['query']['deviceUUID']) ? ', deviceUUID ' . $entry['query']['deviceUUID'] : '';
    printf("\n%d. %s (%s%s)\n", $n + 1, $entry['operation'], $entry['endpoint'], $device);
    echo json_encode($entry['body'], JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
}

$feed = DemoFeed::make($shop);
$sent = DemoFeed::idsSent(journal($baseUrl));
$verdict = DemoFeed::verdict($baseUrl, $feed['file'], $sent['products']);
$missingCategories = array_values(array_diff($sent['categories'], DemoFeed::categories($feed['file'])));
echo "\nThe shop's product feed, made by the module from its catalogue (", $feed['offers'], ' offers, ',
    number_format($feed['bytes']), " bytes):\n  ", $feed['kept'], "\n";
printf(
    "Mindbox, fetching it, would import %d offers in %d categories; rejected: %d; issues: %s;\n"
    . "  of the products the shop sent (%s): missing %s; of its categories (%s): missing %s\n",
    $verdict['offers'] ?? 0, $verdict['categories'] ?? 0, $verdict['rejectedCount'] ?? -1,
    json_encode($verdict['issues'] ?? null, JSON_UNESCAPED_UNICODE), implode(', ', $sent['products']),
    json_encode($verdict['missingIds'] ?? null), implode(', ', $sent['categories']), json_encode($missingCategories),
);

$imported = DemoHistory::export($baseUrl);

$shop->close();
foreach (glob($outbox . '*') ?: [] as $file) {
    unlink($file);
}
rmdir($outboxDir);
foreach ($failures as $failure) {
    fwrite(STDERR, "module error: $failure\n");
}
if (($verdict['rejectedCount'] ?? 1) !== 0 || ($verdict['issues'] ?? [1]) !== [] || ($verdict['missingIds'] ?? [1]) !== []
    || $missingCategories !== [] || $sent['products'] === []) {
    fwrite(STDERR, "the feed does not hold what the shop sent, or Mindbox would reject some of it\n");
    exit(1);
}
$clean = array_filter($imported['tasks'], static fn (array $task) => $task['status'] === 'Done' && $task['rejected'] === 0);
if (!$imported['ok'] || count($clean) !== count($imported['tasks']) || $imported['customers'] !== $history['customers']
    || $imported['orders'] !== $history['orders']) {
    fwrite(STDERR, "Mindbox did not import the shop's history whole, once: " . json_encode($imported) . "\n");
    exit(1);
}
if ($failures !== [] || $flushed['pending'] + $flushed['retrying'] + $flushed['failed'] > 0) {
    fwrite(STDERR, 'not everything was delivered: ' . json_encode($flushed) . "\n");
    exit(1);
}
