<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Context;
use Bitrix\Sale\Order;
use Rustbox\Mindbox\Admin\OrderPage;
use Rustbox\Mindbox\Mindbox;

/**
 * The Mindbox tab of an order's admin pages (issue 20, build point 4), through the real extension and its outbox to
 * the emulator: what Mindbox was last told of the order (status, lines by lineNumber with their statuses, totals),
 * when, and where that change stands (delivered, waiting, refused and parked); "send again" for a parked one, by an
 * administrator with the session's token only.
 */
final class OrderTabTest extends EndToEndTestCase
{
    private const TAB = 'rustbox_mindbox_order';

    private function placed(): Order
    {
        $this->shop->fillCart([
            [10, 'SKU-10', 3, 1000.0, 100.0],
            [11, 'SKU-11', 1, 499.9, 0.0],
        ]);
        $order = $this->shop->placeOrder($this->shop->existingCustomer(), 'anna@example.com', '', 300.0);
        $this->delivered();
        return $order;
    }

    /** The order's view page (or edit page) as the administrator, or as $userId, sees the tab. */
    private function tab(int $orderId, bool $edit = false, ?int $userId = null): string
    {
        $tabs = $this->shop->openOrderPage($orderId, $edit, $userId);
        $this->assertSame([self::TAB], array_keys($tabs), 'one tab of the module\'s');
        return $tabs[self::TAB];
    }

    /** An edit Mindbox refuses (a ValidationError parks it at once): the order's change is parked. */
    private function refusedEdit(Order $order): int
    {
        self::$emulator->faults(['rules' => [['kind' => 'validation', 'operation' => 'Website.UpdateOrder', 'times' => 1]]]);
        $this->shop->editOrderAsManager($order->getId(), static fn ($form) => $form->remove(2));
        // The extension's own delivery thread may have parked it already.
        Mindbox::client('s1')->flush(5.0);
        $items = Mindbox::client('s1')->failedItems();
        $this->assertCount(1, $items);
        return (int)$items[0]['id'];
    }

    /** "Send again" as the block's button posts it, from the order's view page unless said. */
    private function sendAgain(int $orderId, array $post, ?int $userId = null, string $from = 'view'): array
    {
        return $this->shop->adminPage(OrderPage::ACTION_PAGE, ['ID' => $orderId, 'from' => $from, 'lang' => 'en'], $post,
            static fn () => OrderPage::act(Context::getCurrent()->getRequest()), $userId);
    }

    /** @return list<list<string>> the cells of the lines' table, row by row, the header first */
    private static function lineCells(string $html): array
    {
        preg_match('#<table class="adm-list-table">(.*?)</table>#s', $html, $table);
        preg_match_all('#<tr[^>]*>(.*?)</tr>#s', $table[1] ?? '', $rows);
        return array_map(static function (string $row): array {
            preg_match_all('#<td[^>]*>(.*?)</td>#s', $row, $cells);
            return array_map('html_entity_decode', $cells[1]);
        }, $rows[1]);
    }

    public function testTheTabShowsWhatMindboxWasToldAndThatItWasDelivered(): void
    {
        $order = $this->placed();
        $html = $this->tab($order->getId());

        $this->assertStringContainsString('CheckedOut', $html);
        $this->assertStringContainsString('Delivered', $html);
        $this->assertStringContainsString(number_format($order->getPrice(), 2, '.', ' '), $html, 'the total told, delivery included');
        $this->assertStringContainsString('300.00', $html, 'the delivery cost told');
        $this->assertSame([
            ['lineNumber', 'Line', 'Product', 'Quantity', 'Price per item', 'Status'],
            ['1', 'Product 10', 'websiteID: SKU-10', '3', '1 000.00', 'CheckedOut'],
            ['2', 'Product 11', 'websiteID: SKU-11', '1', '499.90', 'CheckedOut'],
        ], self::lineCells($html));
        $this->assertStringContainsString('Points spent</td><td class="adm-detail-content-cell-r">none', $html);
        $this->assertStringNotContainsString('Send again', $html);
    }

    public function testAnEditWhileMindboxIsDownIsShownWaitingWithTheLinesItTakesOff(): void
    {
        $order = $this->placed();
        self::$emulator->faults(['rules' => [['kind' => 'status', 'status' => 503, 'operation' => 'Website.UpdateOrder', 'times' => 1]]]);
        $this->shop->editOrderAsManager($order->getId(), static fn ($form) => $form->quantity(1, 2));
        // Its first attempt made (here, or already by the extension's delivery thread): answered 503, it waits to retry.
        Mindbox::client('s1')->flush(1.0);

        $html = $this->tab($order->getId());
        $this->assertStringContainsString('Waiting in the outbox', $html);
        $this->assertSame([
            ['1', 'Product 10', 'websiteID: SKU-10', '2', '1 000.00', 'CheckedOut'],
            ['2', 'Product 11', 'websiteID: SKU-11', '1', '499.90', 'CheckedOut'],
            ['3', 'Product 10', 'websiteID: SKU-10', '1', '1 000.00', 'Cancelled'],
        ], array_slice(self::lineCells($html), 1), 'the part taken off under a lineNumber of its own');

        // The retry's backoff: 2 s, within its jitter (retryDelay's default).
        usleep(2_600_000);
        $this->delivered();
        $this->assertStringContainsString('Delivered', $this->tab($order->getId()));
    }

    public function testARefusedEditIsShownWithMindboxsAnswerAndSentAgain(): void
    {
        $order = $this->placed();
        $itemId = $this->refusedEdit($order);

        $html = $this->tab($order->getId());
        $this->assertStringContainsString('Not delivered', $html);
        $this->assertStringContainsString('Mindbox answered: HTTP 200 ValidationError', $html);
        $this->assertSame(['2', '#2', 'websiteID: SKU-11', '1', '499.90', 'Cancelled'], self::lineCells($html)[2], 'the removed line, by its basket id');
        $this->assertMatchesRegularExpression('#<form method="post" action="/bitrix/admin/rustbox_mindbox_order\.php\?ID=' . $order->getId()
            . '&amp;from=view&amp;lang=en"><input type="hidden" name="sessid"[^>]*/><button type="submit" class="adm-btn" name="item" value="' . $itemId . '"#', $html);

        $answer = $this->sendAgain($order->getId(), ['item' => (string)$itemId]);
        $this->assertSame(200, $answer['status'], $answer['message']);
        $this->assertSame('/bitrix/admin/sale_order_view.php?ID=' . $order->getId() . '&lang=en', $answer['back']);
        $this->assertSame([], Mindbox::client('s1')->failedItems(), 'back in the outbox');

        $this->delivered();
        $kept = self::$emulator->orders((string)$order->getId());
        $this->assertSame(['CheckedOut', 'Cancelled'], array_column($kept['lines'], 'status'), 'Mindbox has the edit');
        $this->assertStringContainsString('Delivered', $this->tab($order->getId()));
        $this->assertSame(409, $this->sendAgain($order->getId(), ['item' => (string)$itemId])['status'], 'delivered: nothing to send again');
    }

    public function testOnTheEditPageTheButtonPostsFromThePagesOwnForm(): void
    {
        $order = $this->placed();
        $itemId = $this->refusedEdit($order);

        $html = $this->tab($order->getId(), edit: true);
        $this->assertStringNotContainsString('<form', $html, 'no form inside the edit page\'s form');
        $this->assertStringContainsString('<button type="submit" class="adm-btn" name="item" value="' . $itemId . '" formaction="/bitrix/admin/rustbox_mindbox_order.php?ID='
            . $order->getId() . '&amp;from=edit&amp;lang=en" formmethod="post" formenctype="application/x-www-form-urlencoded">Send again</button>', $html);

        $answer = $this->sendAgain($order->getId(), ['item' => (string)$itemId, 'STATUS_ID' => 'N'], from: 'edit');
        $this->assertSame(200, $answer['status'], $answer['message']);
        $this->assertSame('/bitrix/admin/sale_order_edit.php?ID=' . $order->getId() . '&lang=en', $answer['back']);
    }

    public function testSendAgainIsRefusedWithoutRightsTokenOrTheOrdersParkedItem(): void
    {
        $order = $this->placed();
        $itemId = $this->refusedEdit($order);
        $clerk = $this->shop->existingCustomer('clerk');

        $html = $this->tab($order->getId(), userId: $clerk);
        $this->assertStringContainsString('Not delivered', $html, 'whoever may see the order sees why');
        $this->assertStringNotContainsString('<button', $html);
        $this->assertStringContainsString('An administrator can send it again.', $html);

        $this->assertSame(403, $this->sendAgain($order->getId(), ['item' => (string)$itemId], $clerk)['status'], 'not an administrator');
        $this->assertSame(403, $this->sendAgain($order->getId(), ['item' => (string)$itemId, 'sessid' => 'forged'])['status'], 'another session\'s token');
        $get = $this->shop->adminPage(OrderPage::ACTION_PAGE, ['ID' => $order->getId(), 'item' => $itemId, 'sessid' => 'x'], [],
            static fn () => OrderPage::act(Context::getCurrent()->getRequest()));
        $this->assertSame(403, $get['status'], 'a GET changes nothing');
        $this->assertSame(409, $this->sendAgain($order->getId(), ['item' => (string)($itemId + 1)])['status'], 'another item');
        $this->assertSame(404, $this->sendAgain($order->getId() + 100, ['item' => (string)$itemId])['status']);
        $this->assertSame([$itemId], array_column(Mindbox::client('s1')->failedItems(), 'id'), 'still parked');
    }

    public function testNoTabOnAnArchivedOrdersPageWhoseIdIsNoOrders(): void
    {
        $order = $this->placed();
        // sale/admin/order_archive_view.php fires the view's event with the archive entry's id.
        $tabs = $this->shop->adminPage('/bitrix/admin/sale_order_archive_view.php', ['ID' => $order->getId()], [],
            static fn () => (new \CAdminTabEngine('OnAdminSaleOrderView', ['ID' => $order->getId()]))->GetTabs());
        $this->assertSame([], $tabs);
    }
}
