<?php

namespace Rustbox\Mindbox\Admin;

use Bitrix\Main\Context;
use Bitrix\Main\HttpRequest;
use Bitrix\Main\Localization\Loc;
use Bitrix\Sale\Order;
use Rustbox\Mindbox\ConfigurationException;
use Rustbox\Mindbox\Loyalty\Repricing;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Outbox\OrderEdits;
use Rustbox\Mindbox\Shop\BasketLines;
use Rustbox\Mindbox\Shop\PointsDiscount;
use Rustbox\Mindbox\Support\EventLog;

Loc::loadMessages(__FILE__);

/**
 * The Mindbox tab of the sale module's order pages (Handlers\OrderTab) and its one action. The tab shows what the
 * outbox holds of the order: what Mindbox was last told of it (the snapshot OrderEdits keeps with the item that tells
 * it), when, and where that item stands, with Mindbox's answer when it was refused and parked; and the points spent
 * on the order's lines. Its "send again" moves that parked item back to pending (OutboxPage::retry()).
 *
 * Nothing here asks Mindbox: an order's page opens as fast with Mindbox down as up, and the official module's one
 * synchronous call per page view is not repeated.
 */
final class OrderPage
{
    /** The module's admin page "send again" posts to (install/admin/, admin/order.php). */
    public const ACTION_PAGE = '/bitrix/admin/rustbox_mindbox_order.php';

    /**
     * The pages the tab is shown on, by their name in the action's `from`. sale_order_archive_view.php fires the same
     * event with the id of an archive entry, which is no order's.
     */
    private const PAGES = ['view' => '/bitrix/admin/sale_order_view.php', 'edit' => '/bitrix/admin/sale_order_edit.php'];

    /** @return list<array{DIV: string, TAB: string, TITLE: string}>|null CAdminTabEngine's GetTabs: the tab, on an order's page */
    public static function tabs(int $orderId): ?array
    {
        $path = (string)parse_url((string)Context::getCurrent()?->getRequest()->getRequestUri(), PHP_URL_PATH);
        if ($orderId <= 0 || !in_array($path, self::PAGES, true)) {
            return null;
        }
        return [['DIV' => 'order', 'TAB' => (string)Loc::getMessage('RUSTBOX_MINDBOX_ORDER_TAB'),
            'TITLE' => (string)Loc::getMessage('RUSTBOX_MINDBOX_ORDER_TAB_TITLE')]];
    }

    /**
     * The tab's content: rows of the tab control's table.
     *
     * @param string $page `view` or `edit`: the page showing it
     */
    public static function tab(int $orderId, string $page): string
    {
        $order = Order::load($orderId);
        if ($order === null) {
            return OrderBlock::message((string)Loc::getMessage('RUSTBOX_MINDBOX_ORDER_NOT_FOUND', ['#ID#' => $orderId]));
        }
        try {
            $data = self::data($order);
        } catch (ConfigurationException $e) {
            // Not set up for the order's site, or no extension: the settings page says so already, nothing to log.
            return OrderBlock::message($e->getMessage());
        } catch (\Throwable $e) {
            EventLog::failure('main:OnAdminSaleOrderView', $e);
            return OrderBlock::message((string)Loc::getMessage('RUSTBOX_MINDBOX_ORDER_UNREADABLE', ['#ERROR#' => $e->getMessage()]));
        }
        return OrderBlock::html($data, self::mayRetry() ? self::actionUrl($orderId, $page) : null, $page === 'edit');
    }

    /**
     * What the tab shows of an order.
     *
     * @return array{told: ?array, savedAt: ?int, delivery: ?string, itemId: ?int, transactionId: ?string,
     *     failure: ?array, lines: array<string, array{name: string, points: int}>, points: int}
     *     `told` as OrderChange keeps it, null when the module never told Mindbox of the order (placed before it kept
     *     what it tells, or with its events off); `savedAt` in milliseconds; `delivery` pending, failed or delivered;
     *     `failure` the parked item as failedItems() lists it; `lines` the order's lines now, by basket id, and the
     *     points spent on each, in kopecks, as is `points`, their sum
     */
    public static function data(Order $order): array
    {
        $settings = Mindbox::settings((string)$order->getSiteId());
        $snapshot = Mindbox::client($settings->siteId())->snapshot(OrderEdits::key($settings, $order));
        $data = ['told' => $snapshot['value'] ?? null, 'savedAt' => $snapshot['savedAt'] ?? null, 'delivery' => $snapshot['delivery'] ?? null,
            'itemId' => isset($snapshot['itemId']) ? (int)$snapshot['itemId'] : null, 'transactionId' => $snapshot['transactionId'] ?? null, 'failure' => null,
            'lines' => [], 'points' => 0];
        if ($data['delivery'] === 'failed' && $data['itemId'] !== null) {
            $data['failure'] = OutboxPage::failedItem($settings->siteId(), $data['itemId']);
        }
        foreach (BasketLines::ofOrder($order) as $item) {
            $points = PointsDiscount::spentOn($item);
            $data['lines'][(string)$item->getId()] = ['name' => (string)$item->getField('NAME'), 'points' => $points];
            $data['points'] += $points;
        }
        return $data;
    }

    /**
     * The tab's actions (POST to ACTION_PAGE?ID=…&from=view|edit with `sessid`), for an administrator with the
     * session's token: "send again" (`item`: the order's parked item, if it still is the one that told Mindbox what the
     * tab showed), and the choice on an edit Mindbox recalculated at another total (`reprice`: `keep` Bitrix's prices
     * or `apply` Mindbox's, Loyalty\Repricing).
     *
     * @return array{status: int, message: string, back: ?string} `back`: the order's page. 200 done; 403 not allowed
     *     or no token; 404 no such order; 409 nothing of the kind to do any more (delivered, sent again already, settled,
     *     or a newer change told Mindbox since); 422 the order's save refused Mindbox's prices; 500 the outbox could not
     *     be read
     */
    public static function act(HttpRequest $request): array
    {
        if (!self::mayRetry()) {
            return self::answer(403, Loc::getMessage('RUSTBOX_MINDBOX_ORDER_DENIED'));
        }
        if (!$request->isPost() || !check_bitrix_sessid()) {
            return self::answer(403, Loc::getMessage('RUSTBOX_MINDBOX_ORDER_SESSION'));
        }
        $orderId = (int)$request->getQuery('ID');
        $order = $orderId > 0 ? Order::load($orderId) : null;
        if ($order === null) {
            return self::answer(404, Loc::getMessage('RUSTBOX_MINDBOX_ORDER_NOT_FOUND', ['#ID#' => $orderId]));
        }
        $back = self::pageUrl($orderId, (string)$request->getQuery('from'));
        try {
            $data = self::data($order);
            $choice = (string)$request->getPost('reprice');
            return $choice !== '' ? self::reprice($order, $data, $choice, $back) : self::retry($order, $data, (int)$request->getPost('item'), $back);
        } catch (\Throwable $e) {
            return self::answer(500, Loc::getMessage('RUSTBOX_MINDBOX_ORDER_UNREADABLE', ['#ERROR#' => $e->getMessage()]), $back);
        }
    }

    private static function retry(Order $order, array $data, int $itemId, string $back): array
    {
        $moved = $data['delivery'] === 'failed' && $data['itemId'] === $itemId
            && OutboxPage::retry((string)$order->getSiteId(), [$itemId]) === 1;
        return $moved ? self::answer(200, Loc::getMessage('RUSTBOX_MINDBOX_ORDER_SENT_AGAIN'), $back)
            : self::answer(409, Loc::getMessage('RUSTBOX_MINDBOX_ORDER_NOT_PARKED'), $back);
    }

    private static function reprice(Order $order, array $data, string $choice, string $back): array
    {
        $settings = Mindbox::settings((string)$order->getSiteId());
        if ($choice === 'keep') {
            return Repricing::keep($settings, $order, self::priceChangeParked($data))
                ? self::answer(200, Loc::getMessage('RUSTBOX_MINDBOX_ORDER_KEPT'), $back)
                : self::answer(409, Loc::getMessage('RUSTBOX_MINDBOX_ORDER_NOT_REPRICED'), $back);
        }
        $saved = $choice === 'apply' ? Repricing::apply($settings, $order) : null;
        if ($saved === null) {
            return self::answer(409, Loc::getMessage('RUSTBOX_MINDBOX_ORDER_NOT_REPRICED'), $back);
        }
        return $saved->isSuccess() ? self::answer(200, Loc::getMessage('RUSTBOX_MINDBOX_ORDER_APPLIED'), $back)
            : self::answer(422, Loc::getMessage('RUSTBOX_MINDBOX_ORDER_NOT_SAVED', ['#ERROR#' => implode('; ', $saved->getErrorMessages())]), $back);
    }

    /** The order's last change went through the outbox and Mindbox answered it PriceHasBeenChanged: it waits parked. */
    public static function priceChangeParked(array $data): bool
    {
        return $data['delivery'] === 'failed' && ($data['failure']['status'] ?? null) === 'PriceHasBeenChanged';
    }

    /** Like the module's other pages: the outbox is the administrator's, whoever may see the order. */
    public static function mayRetry(): bool
    {
        return is_object($GLOBALS['USER'] ?? null) && $GLOBALS['USER']->IsAdmin();
    }

    private static function actionUrl(int $orderId, string $page): string
    {
        return self::ACTION_PAGE . '?' . http_build_query(['ID' => $orderId, 'from' => $page, 'lang' => LANGUAGE_ID]);
    }

    /** Back to the page the action came from; only the order's own pages, so the action redirects nowhere else. */
    private static function pageUrl(int $orderId, string $page): string
    {
        return (self::PAGES[$page] ?? self::PAGES['view']) . '?' . http_build_query(['ID' => $orderId, 'lang' => LANGUAGE_ID]);
    }

    private static function answer(int $status, ?string $message, ?string $back = null): array
    {
        return ['status' => $status, 'message' => (string)$message, 'back' => $back];
    }
}
