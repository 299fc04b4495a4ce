<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Context;
use Bitrix\Sale\Order;
use Rustbox\Mindbox\Admin\OrderPage;
use Rustbox\Mindbox\Mindbox;

/**
 * Edits of an order Mindbox confirmed with processing (issue 20, build point 3), through the real extension to the
 * emulator, which recalculates a processing order's update with the promotions, promo codes and points of its first
 * save: an edit Mindbox stands by is taken at once; one it reprices leaves Mindbox's copy as it was and is the
 * manager's choice on the order's Mindbox tab, with both totals: keep Bitrix's prices, or apply Mindbox's. Never by the
 * module's own arithmetic: the points and the code's amount on a line taken off go back by Mindbox's recalculation.
 */
final class OrderRepricingTest extends EndToEndTestCase
{
    private const DELIVERY = 300.0;
    private const TAB = 'rustbox_mindbox_order';

    private int $userId = 0;

    /** Mindbox's copy of the order before its edit (self::mindbox()). */
    private array $before = [];

    protected function setUp(): void
    {
        parent::setUp();
        $this->shop->configure(['loyalty_enabled' => 'Y', 'loyalty_mode' => 'processing', 'balance_timeout' => '1']);
        $this->userId = (int)(new \CUser())->Add(['LOGIN' => 'anna', 'EMAIL' => 'anna@example.com']);
        $this->shop->logIn($this->userId);
    }

    /**
     * A processing checkout of two units of SKU-1 at 500 and one of SKU-2 at 1,000, with the programme given, placed
     * and delivered (the order's own id linked to the one Mindbox confirmed).
     */
    private function placed(array $programme, array $coupons = [], string $points = ''): Order
    {
        self::$emulator->loyalty($programme);
        $this->shop->fillCart([[1, 'SKU-1', 2, 500.0, 0.0], [2, 'SKU-2', 1, 1000.0, 0.0]]);
        foreach ($coupons as $code) {
            \Bitrix\Sale\DiscountCouponsManager::add($code);
        }
        $this->checkoutHit($points, false, self::DELIVERY);
        ['order' => $order, 'result' => $result] = $this->checkoutHit($points, true, self::DELIVERY);
        $this->assertSame([], $result['ERROR']);
        $this->delivered();
        return Order::load($order->getId());
    }

    /** The manager removes SKU-2's line on the order's edit page. */
    private function removeSku2(Order $order): void
    {
        $line = null;
        foreach ($order->getBasket()->getBasketItems() as $item) {
            if ($item->getField('PRODUCT_XML_ID') === 'SKU-2') {
                $line = $item->getId();
            }
        }
        $this->assertTrue($this->shop->editOrderAsManager($order->getId(), static fn ($form) => $form->remove($line))->isSuccess());
    }

    /** @return array{0: float, 1: array<string, float>} the order's lines total in Bitrix and the quantity of each product bought */
    private static function bitrix(int $orderId): array
    {
        $order = Order::load($orderId);
        $bought = [];
        foreach ($order->getBasket()->getBasketItems() as $item) {
            $bought[$item->getField('PRODUCT_XML_ID')] = (float)$item->getQuantity();
        }
        ksort($bought);
        return [round($order->getPrice() - $order->getDeliveryPrice(), 2), $bought];
    }

    /** @return array{0: float, 1: array<string, float>, 2: array<string, float>} Mindbox's total, then bought and taken off by product */
    private static function mindbox(int $orderId): array
    {
        $kept = self::$emulator->orders((string)$orderId);
        $bought = $off = [];
        foreach ($kept['lines'] as $line) {
            $product = $line['productIds']['websiteID'] ?? json_encode($line['productIds']);
            if ($line['status'] === 'Cancelled') {
                $off[$product] = ($off[$product] ?? 0) + (float)$line['quantity'];
            } else {
                $bought[$product] = ($bought[$product] ?? 0) + (float)$line['quantity'];
            }
        }
        ksort($bought);
        return [round((float)$kept['totalPrice'], 2), $bought, $off];
    }

    private function tab(int $orderId): string
    {
        return $this->shop->openOrderPage($orderId)[self::TAB];
    }

    private function choose(int $orderId, string $choice): array
    {
        return $this->shop->adminPage(OrderPage::ACTION_PAGE, ['ID' => $orderId, 'from' => 'view', 'lang' => 'en'],
            ['reprice' => $choice], static fn () => OrderPage::act(Context::getCurrent()->getRequest()));
    }

    /** The event log has exactly the lines expected so far (the administrator's record of what Mindbox did not take); then it is read. */
    private static function assertLogged(string ...$fragments): void
    {
        $lines = array_column(\CEventLog::fakeEntries(), 'DESCRIPTION');
        self::assertCount(count($fragments), $lines, json_encode($lines));
        foreach ($fragments as $at => $fragment) {
            self::assertStringContainsString($fragment, $lines[$at]);
        }
        \CEventLog::fakeReset();
    }

    private static function repricedNotices(): array
    {
        return array_filter(\CAdminNotify::fakeRows(), static fn (array $n) => str_starts_with($n['TAG'], 'rustbox_mindbox_repriced_'));
    }

    /** A code's fixed amount over both lines: without SKU-2, Mindbox puts all of it on SKU-1, Bitrix keeps SKU-1's share. */
    private function repricedEdit(): Order
    {
        $order = $this->placed(['promoCodes' => [['code' => 'WELCOME', 'amount' => 300]]], ['WELCOME']);
        [$confirmed] = self::$emulator->journal(['operation' => 'Website.CreateAuthorizedOrder']);
        $this->assertEqualsWithDelta(1700.0, $confirmed['body']['order']['totalPrice'], 0.001, 'confirmed at the code\'s price');
        $this->before = self::mindbox($order->getId());
        $this->removeSku2($order);
        self::assertLogged('Mindbox recalculated its edit at another total (The order\'s price has changed: expected 850.00, calculated 700.00)');
        return $order;
    }

    public function testAnEditMindboxStandsByIsTakenAtOnce(): void
    {
        $order = $this->placed(['promotions' => [['id' => 'TEN', 'name' => '10% off', 'percent' => 10]], 'earnPercent' => 10]);
        $this->assertStringContainsString('Points earned</td><td class="adm-detail-content-cell-r">180.00', $this->tab($order->getId()), 'as Mindbox said at the confirmation');
        $this->removeSku2($order);
        $this->delivered();

        [$total, $bought] = self::bitrix($order->getId());
        $this->assertSame(900.0, $total);
        $this->assertSame([$total, $bought, ['SKU-2' => 1.0]], self::mindbox($order->getId()), 'Mindbox recalculated and took the order as Bitrix has it');
        $updates = self::$emulator->journal(['operation' => 'Website.CreateAuthorizedOrder']);
        $this->assertCount(2, $updates, 'the confirmation, then the edit under the same operation');
        $this->assertSame((string)$order->getId(), $updates[1]['body']['order']['ids']['websiteID']);
        $html = $this->tab($order->getId());
        $this->assertStringNotContainsString('Mindbox recalculated', $html);
        $this->assertStringContainsString('Points earned</td><td class="adm-detail-content-cell-r">90.00', $html, 'as Mindbox said taking the edit');
        $this->assertSame([], self::repricedNotices());
    }

    public function testThePointsOfALineTakenOffGoBackByMindboxsRecalculation(): void
    {
        // At most 10% of an order in points: 200 of 2,000 spent, 100 on each line; without SKU-2 Mindbox lets 100 stand.
        $order = $this->placed(['balances' => ["websiteID:{$this->userId}" => 1000.0], 'maxPointsPercent' => 10], [], '200');
        $balance = fn () => Mindbox::balanceClient('s1')->getCustomerBalance(['ids' => ['websiteID' => (string)$this->userId]]);
        $this->assertEqualsWithDelta(800.0, $balance(), 0.001);

        $this->removeSku2($order);
        $this->delivered();

        $this->assertSame(900.0, self::bitrix($order->getId())[0]);
        $this->assertSame(900.0, self::mindbox($order->getId())[0], 'Mindbox stands by the price');
        $this->assertEqualsWithDelta(900.0, $balance(), 0.001, 'the 100 points of the line taken off are back on the balance');
    }

    public function testTheLinkToTheOrdersOwnIdGoesBeforeItsLaterEvents(): void
    {
        // The linking update fails once and waits for its retry; the status change by the order's own id, which Mindbox
        // knows only once linked, must wait behind it, not go first and be refused as an unknown order.
        self::$emulator->loyalty(['promotions' => [['id' => 'TEN', 'name' => '10% off', 'percent' => 10]]]);
        self::$emulator->faults(['rules' => [['kind' => 'status', 'status' => 503, 'operation' => 'Website.UpdateOrder', 'times' => 1]]]);
        $this->shop->fillCart([[1, 'SKU-1', 2, 500.0, 0.0]]);
        $this->checkoutHit('', false, self::DELIVERY);
        ['order' => $order] = $this->checkoutHit('', true, self::DELIVERY);
        Mindbox::client('s1')->flush(1.0);
        $this->shop->cancelOrderAsManager($order->getId());
        // The linking update's retry: 2 s, within its jitter (retryDelay's default).
        usleep(2_600_000);

        $delivered = array_column($this->delivered(), 'operation');
        $this->assertSame(['Website.CreateAuthorizedOrder', 'Website.UpdateOrder', 'Website.UpdateOrderStatus'],
            array_values(array_intersect($delivered, ['Website.CreateAuthorizedOrder', 'Website.UpdateOrder', 'Website.UpdateOrderStatus'])));
        $this->assertSame('Cancelled', self::$emulator->orders((string)$order->getId())['status']);
    }

    public function testALineMindboxSplitIsToldByMindboxsNumbers(): void
    {
        // 10% off one unit of SKU-1: Mindbox splits its line in two.
        $order = $this->placed(['promotions' => [['id' => 'ONE-OFF', 'name' => '10% off one unit', 'percent' => 10, 'products' => ['SKU-1'], 'maxQuantityPerLine' => 1]]]);
        [$confirmed] = self::$emulator->journal(['operation' => 'Website.CreateAuthorizedOrder']);
        $numbers = static fn (array $lines) => array_map(static fn (array $l) => [(int)$l['lineNumber'], (float)$l['quantity']], $lines);
        $this->assertCount(3, $confirmed['body']['order']['lines']);
        [$linked] = self::$emulator->journal(['operation' => 'Website.UpdateOrder']);
        $this->assertSame($numbers($confirmed['body']['order']['lines']), $numbers($linked['body']['order']['lines']), 'the order linked to its id by the numbers Mindbox gave');
        $kept = self::$emulator->orders((string)$order->getId());
        $this->assertSame($numbers($confirmed['body']['order']['lines']), $numbers($kept['lines']), 'Mindbox\'s copy has each part once');

        $this->removeSku2($order);
        $this->delivered();

        [, $edit] = self::$emulator->journal(['operation' => 'Website.CreateAuthorizedOrder']);
        $sku1 = array_values(array_filter($confirmed['body']['order']['lines'], static fn (array $l) => $l['product']['ids']['websiteID'] === 'SKU-1'));
        $sent = array_values(array_filter($edit['body']['order']['lines'], static fn (array $l) => $l['product']['ids']['websiteID'] === 'SKU-1'));
        $this->assertSame($numbers($sku1), $numbers($sent), 'the edit names SKU-1\'s parts by their numbers');
        [$total, $bought] = self::bitrix($order->getId());
        $this->assertSame([$total, $bought, ['SKU-2' => 1.0]], self::mindbox($order->getId()));
    }

    public function testAnEditMindboxRepricesShowsBothTotalsAndMindboxsPricesCanBeApplied(): void
    {
        $order = $this->repricedEdit();
        $this->delivered();

        [$bitrixTotal] = self::bitrix($order->getId());
        $this->assertSame(850.0, $bitrixTotal, 'SKU-1 keeps its share of the code in Bitrix');
        $this->assertSame($this->before, self::mindbox($order->getId()), 'Mindbox holds the order as before the edit');
        $html = $this->tab($order->getId());
        $this->assertStringContainsString('Bitrix\'s total of the lines: 850.00; Mindbox\'s: 700.00', html_entity_decode($html, ENT_QUOTES));
        $this->assertStringContainsString('value="apply"', $html);
        $this->assertStringContainsString('value="keep"', $html);
        $this->assertCount(1, self::repricedNotices());

        $answer = $this->choose($order->getId(), 'apply');
        $this->assertSame(200, $answer['status'], $answer['message']);
        $this->delivered();

        [$total, $bought] = self::bitrix($order->getId());
        $this->assertSame(700.0, $total, 'the lines at Mindbox\'s prices');
        $this->assertSame([$total, $bought, ['SKU-2' => 1.0]], self::mindbox($order->getId()), 'and Mindbox took the order so');
        $this->assertStringNotContainsString('Mindbox recalculated', $this->tab($order->getId()));
        $this->assertSame([], self::repricedNotices());
        $this->assertSame(409, $this->choose($order->getId(), 'keep')['status'], 'nothing left to choose');
    }

    public function testBitrixsPricesCanBeKept(): void
    {
        $order = $this->repricedEdit();

        $answer = $this->choose($order->getId(), 'keep');
        $this->assertSame(200, $answer['status'], $answer['message']);
        $this->delivered();

        $order = Order::load($order->getId());
        $kept = self::$emulator->orders((string)$order->getId());
        $this->assertEqualsWithDelta($order->getPrice(), $kept['totalPrice'], 0.001, 'told as Bitrix has it, without recalculation (delivery included, as an update without processing tells it)');
        $this->assertSame(self::bitrix($order->getId())[1], self::mindbox($order->getId())[1]);
        $this->assertSame(['SKU-2' => 1.0], self::mindbox($order->getId())[2]);
        $this->assertStringNotContainsString('Mindbox recalculated', $this->tab($order->getId()));
        $this->assertSame([], self::repricedNotices());
    }

    public function testAnEditMindboxDoesNotAnswerWaitsInTheOutboxAndItsRepricingIsParkedForTheChoice(): void
    {
        $order = $this->placed(['promoCodes' => [['code' => 'WELCOME', 'amount' => 300]]], ['WELCOME']);
        $before = self::mindbox($order->getId());
        self::$emulator->faults(['rules' => [['kind' => 'status', 'status' => 503, 'operation' => 'Website.CreateAuthorizedOrder', 'times' => 1]]]);
        $this->removeSku2($order);
        self::assertLogged('Mindbox did not take its edit now (MindboxUnavailableException');
        Mindbox::client('s1')->flush(5.0);

        $items = Mindbox::client('s1')->failedItems();
        $this->assertCount(1, $items, 'answered PriceHasBeenChanged from the outbox: parked, not delivered');
        $this->assertSame('PriceHasBeenChanged', $items[0]['status']);
        $html = html_entity_decode($this->tab($order->getId()), ENT_QUOTES);
        $this->assertStringContainsString('does not stand by Bitrix\'s price (850.00)', $html);
        $this->assertSame($before, self::mindbox($order->getId()));

        $this->assertSame(200, $this->choose($order->getId(), 'keep')['status']);
        $this->delivered();
        $this->assertSame([], Mindbox::client('s1')->failedItems(), 'the parked edit was taken out');
        $order = Order::load($order->getId());
        $this->assertEqualsWithDelta($order->getPrice(), self::$emulator->orders((string)$order->getId())['totalPrice'], 0.001);
        $this->assertSame(['SKU-2' => 1.0], self::mindbox($order->getId())[2]);
    }
}
