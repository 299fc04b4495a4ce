<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\EventManager;
use Rustbox\Mindbox\Loyalty\CheckoutField;
use Rustbox\Mindbox\Mindbox;

/**
 * Standard mode: Mindbox debits the points of an order only when its creation is delivered. Until then the points are
 * held in the outbox, so a second order cannot spend them again, however long delivery is held back.
 */
final class PointsHoldTest extends EndToEndTestCase
{
    private int $userId = 0;

    protected function setUp(): void
    {
        parent::setUp();
        $this->shop->configure(['loyalty_enabled' => 'Y', 'balance_timeout' => '1']);
        $this->userId = (int)(new \CUser())->Add(['LOGIN' => 'anna', 'EMAIL' => 'anna@example.com']);
        self::$emulator->loyalty(['balances' => ["websiteID:{$this->userId}" => 500.0]]);
        $this->shop->logIn($this->userId);
    }


    private function fillCart(): void
    {
        $this->shop->fillCart([[1, 'SKU-1', 1, 1000.0, 0.0], [2, 'SKU-2', 1, 1000.0, 0.0], [3, 'SKU-3', 1, 1000.0, 0.0]]);
    }

    private function mindboxBalance(): float
    {
        return (float)self::$emulator->ledger()['balances']["websiteID:{$this->userId}"];
    }

    public function testPointsOfAnOrderNotYetDeliveredCannotBeSpentAgain(): void
    {
        // Delivery held back: every creation is answered 503 until the faults are cleared.
        self::$emulator->faults(['rules' => [['kind' => 'status', 'status' => 503, 'operation' => 'Website.CreateOrder']]]);
        $this->fillCart();
        ['order' => $first] = $this->checkoutHit('500', true);
        $this->assertSame(2500.0, $first->getPrice());

        $this->fillCart();
        $field = $this->checkoutHit('300')['result']['JS_DATA'][CheckoutField::JS_DATA_KEY];
        $this->assertSame([0.0, 0.0], [$field['BALANCE'], $field['SPENT']], 'the 500 points are held by the first order');
        ['order' => $second] = $this->checkoutHit('300', true);
        $this->assertSame(3000.0, $second->getPrice(), 'no points spent twice');
        $this->assertSame(500.0, $this->mindboxBalance(), 'Mindbox has not debited anything yet');

        self::$emulator->clearFaults();
        $deadline = microtime(true) + 20;
        do {
            Mindbox::client('s1')->flush(1.0);
        } while (Mindbox::client('s1')->outboxStats()['pending'] > 0 && microtime(true) < $deadline);

        $this->assertSame(0.0, $this->mindboxBalance(), 'debited once, by the first order');
        $this->assertSame(0.0, Mindbox::client('s1')->heldPoints('points|{"websiteID":"' . $this->userId . '"}|'), 'delivered: nothing held any more');
        $this->assertSame(0.0, $this->checkoutHit('')['result']['JS_DATA'][CheckoutField::JS_DATA_KEY]['BALANCE']);
    }

    public function testPointsTakenByAnotherOrderBetweenTheCalculationAndTheSaveStopTheSave(): void
    {
        self::$emulator->faults(['rules' => [['kind' => 'status', 'status' => 503, 'operation' => 'Website.CreateOrder']]]);
        // Another worker's order of the same buyer is queued while this hit is between the engine and the save.
        EventManager::getInstance()->addEventHandler('sale', 'OnSaleOrderBeforeSaved', function () {
            Mindbox::client('s1')->createOrder(['order' => ['ids' => ['websiteID' => 'elsewhere']]], ['hold' => ['key' => 'points|{"websiteID":"' . $this->userId . '"}|', 'amount' => 300]]);
        }, false, 10);
        $this->fillCart();

        ['order' => $order, 'result' => $result] = $this->checkoutHit('400', true);

        $this->assertSame(0, $order->getId());
        $this->assertSame(['The points available to you have just changed (another order of yours spent them). Please look at the order again and place it once more.'], $result['ERROR']);
    }
}
