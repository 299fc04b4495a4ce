<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Sale\Order;
use Rustbox\Mindbox\Mindbox;

/**
 * Orders after checkout, end to end (issue 20): a manager's edits, the 1C exchange, a cancellation and its undoing, a
 * return after payment, an edit while Mindbox is down, each delivered through the extension's outbox to the emulator,
 * whose copy of the order must then be the Bitrix order: the lines still bought with their quantities, prices and the
 * order's status, what was taken off them as cancelled or returned lines, the totals.
 */
final class OrderEditsTest extends EndToEndTestCase
{
    private function placed(): Order
    {
        $this->shop->fillCart([
            [10, 'SKU-10', 3, 1000.0, 100.0],
            [11, 'SKU-11', 1, 499.9, 0.0],
        ]);
        $order = $this->shop->placeOrder($this->shop->existingCustomer(), 'anna@example.com', '', 300.0);
        $this->assertMindboxHasTheOrder($order->getId());
        return $order;
    }

    /**
     * Delivers the outbox; then Mindbox's copy of the order is the Bitrix order.
     *
     * @return array the emulator's order
     */
    private function assertMindboxHasTheOrder(int $orderId, string $takenOff = 'Cancelled'): array
    {
        $this->delivered();
        $order = Order::load($orderId);
        $kept = self::$emulator->orders((string)$orderId);
        $this->assertNotNull($kept, 'Mindbox has the order');
        $this->assertEqualsWithDelta($order->getPrice(), $kept['totalPrice'], 0.001, 'total');
        $this->assertEqualsWithDelta($order->getDeliveryPrice(), $kept['deliveryCost'], 0.001, 'delivery');
        $status = $order->isCanceled() ? 'Cancelled' : self::STATUS_MAP[$order->getField('STATUS_ID')];
        $bought = [];
        foreach ($order->getBasket()->getBasketItems() as $item) {
            $bought[(string)$item->getId()] = [(float)$item->getQuantity(), (float)$item->getBasePrice()];
        }
        $told = [];
        foreach ($kept['lines'] as $line) {
            if ($line['status'] === $status) {
                $this->assertArrayNotHasKey($line['lineId'], $told, 'one part of a line is bought: ' . json_encode($kept));
                $told[$line['lineId']] = [(float)$line['quantity'], (float)$line['basePricePerItem']];
            } else {
                $this->assertSame($takenOff, $line['status'], 'a part taken off: ' . json_encode($line));
            }
        }
        ksort($bought);
        ksort($told);
        $this->assertEquals($bought, $told, 'the lines bought: ' . json_encode($kept['lines']));
        return $kept;
    }

    /** @return array<string, float> quantity taken off each line, by lineId */
    private static function takenOff(array $kept, string $status): array
    {
        $parts = [];
        foreach ($kept['lines'] as $line) {
            if ($line['status'] === $status) {
                $parts[$line['lineId']] = ($parts[$line['lineId']] ?? 0.0) + (float)$line['quantity'];
            }
        }
        return $parts;
    }

    public function testAManagerRemovesALineReducesAQuantityAndAddsALine(): void
    {
        $order = $this->placed();
        $result = $this->shop->editOrderAsManager($order->getId(), static fn ($form) => $form->remove(2)->quantity(1, 2)->add(12, 'SKU-12', 2, 150.0));
        $this->assertTrue($result->isSuccess(), implode('; ', $result->getErrorMessages()));

        $kept = $this->assertMindboxHasTheOrder($order->getId());
        $this->assertEquals(['1' => 1.0, '2' => 1.0], self::takenOff($kept, 'Cancelled'));
        $this->assertSame([1, 2, 3, 4], array_column($kept['lines'], 'lineNumber'), 'the creation\'s numbers kept, new parts after');
    }

    public function testDeliveryChangedAndTwoEditsInARowArriveInOrder(): void
    {
        $order = $this->placed();
        $this->shop->changeDeliveryAsManager($order->getId(), 0.0);
        $this->shop->editOrderAsManager($order->getId(), static fn ($form) => $form->quantity(2, 4));
        $this->shop->editOrderAsManager($order->getId(), static fn ($form) => $form->quantity(2, 2));

        $kept = $this->assertMindboxHasTheOrder($order->getId());
        $this->assertEquals(['2' => 2.0], self::takenOff($kept, 'Cancelled'), 'the second edit after the first');
    }

    public function testAPartialReturnAfterPaymentIsReturnedLines(): void
    {
        $order = $this->placed();
        $this->shop->payAsManager($order->getId());
        $this->assertMindboxHasTheOrder($order->getId());
        $result = $this->shop->editOrderAsManager($order->getId(), static fn ($form) => $form->quantity(1, 1));
        $this->assertTrue($result->isSuccess(), implode('; ', $result->getErrorMessages()));
        $this->shop->returnPaymentAsManager($order->getId());

        $kept = $this->assertMindboxHasTheOrder($order->getId(), 'Returned');
        $this->assertEquals(['1' => 2.0], self::takenOff($kept, 'Returned'));

        // The money returned goes once, as the line-status operation's returnedPayments, every part with its status.
        $payment = iterator_to_array(Order::load($order->getId())->getPaymentCollection())[0];
        $returns = array_values(array_filter(self::$emulator->journal(['operation' => 'Website.UpdateOrderStatus']),
            static fn (array $e) => isset($e['body']['order']['returnedPayments'])));
        $this->assertCount(1, $returns);
        $this->assertEquals([['type' => (string)$payment->getPaymentSystemId(), 'amount' => $payment->getSum()]], $returns[0]['body']['order']['returnedPayments']);
        $this->assertEquals([['lineNumber' => 1, 'status' => 'CheckedOut'], ['lineNumber' => 2, 'status' => 'CheckedOut'], ['lineNumber' => 3, 'status' => 'Returned']],
            $returns[0]['body']['order']['lines']);
        $this->shop->editOrderAsManager($order->getId(), static fn ($form) => $form->comment('refunded'));
        $this->assertMindboxHasTheOrder($order->getId(), 'Returned');
        $this->assertCount(1, array_filter(self::$emulator->journal(['operation' => 'Website.UpdateOrderStatus']),
            static fn (array $e) => isset($e['body']['order']['returnedPayments'])), 'told once');
    }

    public function testACancellationAndItsUndoing(): void
    {
        $order = $this->placed();
        $this->shop->cancelOrderAsManager($order->getId());
        $this->assertSame('Cancelled', $this->assertMindboxHasTheOrder($order->getId())['status']);

        $this->shop->cancelOrderAsManager($order->getId(), false);
        $this->assertSame('CheckedOut', $this->assertMindboxHasTheOrder($order->getId())['status'], 'undoing restores the status');
    }

    public function testTheExchangeWith1CAndItsSwitch(): void
    {
        $order = $this->placed();
        $this->shop->configure(['order_edits_exchange' => 'N']);
        $this->shop->exchangeWith1C($order->getId(), ['lines' => ['SKU-10' => ['QUANTITY' => 3, 'PRICE' => 900.0]]]);
        $this->delivered();
        $this->assertCount(2, self::$emulator->orders((string)$order->getId())['lines'], 'switched off: Mindbox heard nothing');

        $this->shop->configure(['order_edits_exchange' => 'Y']);
        $this->shop->exchangeWith1C($order->getId(), ['lines' => ['SKU-10' => ['QUANTITY' => 2, 'PRICE' => 900.0]]]);
        $kept = $this->assertMindboxHasTheOrder($order->getId());
        $this->assertEquals(['1' => 1.0, '2' => 1.0], self::takenOff($kept, 'Cancelled'), 'and then all it had not heard');
    }

    public function testRestAndAgentsHaveTheirSwitchesToo(): void
    {
        $order = $this->placed();
        $this->shop->configure(['order_edits_rest' => 'N']);
        $changeDelivery = static function (float $price) use ($order): void {
            $loaded = Order::load($order->getId());
            $loaded->setField('PRICE_DELIVERY', $price);
            $loaded->save();
        };
        $this->shop->restCall('sale.order.update', static fn () => $changeDelivery(100.0));
        $this->delivered();
        $this->assertEqualsWithDelta(300.0, self::$emulator->orders((string)$order->getId())['deliveryCost'], 0.001, 'REST switched off');

        $this->shop->configure(['order_edits_agent' => 'N']);
        $this->shop->leaveRequest();
        $changeDelivery(200.0);
        $this->delivered();
        $this->assertEqualsWithDelta(300.0, self::$emulator->orders((string)$order->getId())['deliveryCost'], 0.001, 'agents switched off');

        $this->shop->configure(['order_edits_agent' => 'Y']);
        $changeDelivery(250.0);
        $this->assertEqualsWithDelta(250.0, $this->assertMindboxHasTheOrder($order->getId())['deliveryCost'], 0.001);
    }

    public function testAnEditWhileMindboxIsDownIsSavedAtOnceAndDeliveredLater(): void
    {
        $order = $this->placed();
        self::$emulator->faults(['rules' => [['kind' => 'status', 'status' => 503, 'operation' => 'Website.UpdateOrder', 'times' => 1]]]);
        $result = $this->shop->editOrderAsManager($order->getId(), static fn ($form) => $form->remove(2));
        $this->assertTrue($result->isSuccess(), 'the manager\'s save does not wait on Mindbox');
        $this->assertSame(1, count(Order::load($order->getId())->getBasket()->getBasketItems()));
        // Until the outbox has tried it once (by the delivery thread or this flush), whatever the machine's pace.
        for ($tries = 0; self::$emulator->journal(['outcome' => 'fault']) === [] && $tries < 50; $tries++) {
            Mindbox::client('s1')->flush(0.1);
        }
        $this->assertSame(['Website.UpdateOrder'], array_column(self::$emulator->journal(['outcome' => 'fault']), 'operation'), 'Mindbox answered 503');
        $this->assertCount(2, self::$emulator->orders((string)$order->getId())['lines'], 'not yet');

        // The retry's backoff: 2 s, within its jitter (retryDelay's default).
        usleep(2_600_000);
        $this->assertMindboxHasTheOrder($order->getId());
    }

    public function testAnUnmappedStatusIsANoticeAndNothingSent(): void
    {
        $order = $this->placed();
        $this->shop->editOrderAsManager($order->getId(), static fn ($form) => $form->status('X'));

        $this->assertSame(0, Mindbox::client('s1')->flush(1.0)['sent']);
        $notices = array_column(\CAdminNotify::fakeRows(), 'MESSAGE');
        $this->assertCount(1, array_filter($notices, static fn ($m) => str_contains($m, '"X"')), implode("\n", $notices));
        \CEventLog::fakeReset();
    }
}
