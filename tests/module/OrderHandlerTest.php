<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\EventManager;
use Bitrix\Main\EventResult;
use Bitrix\Sale\Order;

/** sale:OnSaleOrderSaved → createOrder / updateOrder, and the order mapper. */
final class OrderHandlerTest extends ModuleTestCase
{
    private function order(): Order
    {
        $userId = $this->shop->existingCustomer();
        $this->shop->fillCart([
            [10, 'SKU-10', 2, 1000.0, 100.0],
            [11, 'SKU-11', 1, 499.9, 0.0],
        ]);
        return $this->shop->placeOrder($userId, 'anna@example.com', '+7 (900) 123-45-67', 300.0);
    }

    /**
     * The extension decides what of a phone field is a phone.
     *
     * @requires extension mindbox
     */
    public function testANewOrderIsSentWholeWithCreateOrder(): void
    {
        $this->shop->visit(['mindboxDeviceUUID' => 'b6e2c2a3-1f7e-4d5b-9a41-2d7a0f6c1e55']);
        $order = $this->order();
        $this->assertSame([[
            'createOrder',
            [
                'customer' => ['ids' => ['websiteID' => '1'], 'email' => 'anna@example.com', 'mobilePhone' => '79001234567'],
                'order' => [
                    'ids' => ['websiteID' => (string)$order->getId()],
                    'email' => 'anna@example.com',
                    'mobilePhone' => '79001234567',
                    'deliveryCost' => 300.0,
                    'totalPrice' => 2599.9,
                    // Numbered as Mindbox will keep them (OrderChange), with the order's status.
                    'lines' => [
                        [
                            'lineNumber' => 1,
                            'lineId' => '1',
                            'product' => ['ids' => ['websiteID' => 'SKU-10']],
                            'quantity' => 2.0,
                            'basePricePerItem' => 1000.0,
                            'discounts' => [[
                                'type' => 'externalPromoAction',
                                'externalPromoAction' => ['ids' => ['externalId' => 'bitrix-discount']],
                                'amount' => 200.0,
                            ]],
                            'status' => ['ids' => ['externalId' => 'CheckedOut']],
                        ],
                        [
                            'lineNumber' => 2,
                            'lineId' => '2',
                            'product' => ['ids' => ['websiteID' => 'SKU-11']],
                            'quantity' => 1.0,
                            'basePricePerItem' => 499.9,
                            'status' => ['ids' => ['externalId' => 'CheckedOut']],
                        ],
                    ],
                ],
            ],
            // An order may be saved from a manager's browser: never the visitor's device on orders. What Mindbox then
            // holds of the order goes with it (OrderEditsTest).
            ['customerIp' => '198.51.100.7', 'transactionId' => $this->sentOf('createOrder')[0][2]['transactionId'],
                'snapshot' => $this->sentOf('createOrder')[0][2]['snapshot']],
        ]], $this->sentOf('createOrder'));
        $this->assertSame('s1:order:' . $order->getId(), $this->sentOf('createOrder')[0][2]['snapshot']['key']);
    }

    public function testTheCreationsTransactionIdIsTheOrdersOwnSoSendingItAgainIsNoNewOrder(): void
    {
        $order = $this->order();
        $again = new \Bitrix\Main\Event('sale', 'OnSaleOrderSaved', ['ENTITY' => $order, 'IS_NEW' => true, 'IS_CHANGED' => true, 'VALUES' => []]);
        $again->send();
        $this->shop->fillCart([[10, 'SKU-10', 1, 10.0, 0.0]]);
        $this->shop->placeOrder(1, 'anna@example.com', '');
        $this->shop->configure(['endpoint_id' => 'other-website']);
        \Rustbox\Mindbox\Mindbox::reset();
        $again->send();

        $ids = array_map(static fn (array $s) => $s[2]['transactionId'], $this->sentOf('createOrder'));
        $this->assertCount(4, $ids);
        $this->assertMatchesRegularExpression('/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/', $ids[0]);
        $this->assertSame($ids[0], $ids[1], 'the same order, the same transaction');
        $this->assertNotSame($ids[0], $ids[2], 'another order, another transaction');
        $this->assertNotSame($ids[0], $ids[3], 'another endpoint, another transaction');
    }

    public function testAStatusChangeSendsTheMappedMindboxStatus(): void
    {
        $order = $this->order();
        $this->calls = [];
        $this->shop->visit([], '10.0.0.5', 's1', true);

        $order->setField('STATUS_ID', 'P');
        $order->save();

        [[$operation, $body, $options]] = $this->sent();
        $this->assertSame('Website.UpdateOrderStatus', $operation, 'op_update_order_status');
        $this->assertSame(['orderLinesStatus' => 'Paid', 'order' => ['ids' => ['websiteID' => (string)$order->getId()]]], $body);
        $this->assertSame('Paid', $options['snapshot']['value']['status']);
    }

    public function testACancellationIsTheCanceledPseudoStatus(): void
    {
        $order = $this->order();
        $this->calls = [];

        $order->setField('CANCELED', 'Y');
        $order->save();

        $this->assertSame('Cancelled', $this->sent()[0][1]['orderLinesStatus']);
    }

    public function testUndoingACancellationSendsTheOrdersStatusAgain(): void
    {
        $order = $this->order();
        $order->setField('CANCELED', 'Y');
        $order->save();
        $this->calls = [];

        $order->setField('CANCELED', 'N');
        $order->save();

        $this->assertSame(['CheckedOut'], array_column(array_column($this->sent(), 1), 'orderLinesStatus'));
    }

    public function testDeletingAnOrderCancelsItThenSendsTheDeletedStatus(): void
    {
        $order = $this->order();
        $this->calls = [];

        $this->assertTrue(Order::delete($order->getId())->isSuccess());

        $this->assertSame(['Cancelled', 'Removed'], array_column(array_column($this->sent(), 1), 'orderLinesStatus'));
        $this->assertSame(['websiteID' => (string)$order->getId()], $this->sent()[1][1]['order']['ids']);
    }

    /**
     * The extension decides what of a phone field is a phone.
     *
     * @requires extension mindbox
     */
    public function testAGuestsOrderNamesTheBuyerByEmailAndPhoneNeverTheSharedAnonymousBuyer(): void
    {
        $this->shop->fillCart([[10, 'SKU-10', 1, 10.0, 0.0]]);
        $order = $this->shop->placeOrder(0, 'guest@example.com', '+7 900 111-22-33');
        $this->assertSame((int)\CSaleUser::GetAnonymousUserID(), (int)$order->getUserId());

        $this->assertSame(['createOrder'], $this->sentOperations(), 'the anonymous buyer is not registered');
        $body = $this->sentOf('createOrder')[0][1];
        $this->assertSame(['email' => 'guest@example.com', 'mobilePhone' => '79001112233'], $body['customer']);
        $this->assertStringNotContainsString('anonymous_', json_encode($this->sent()));
    }

    public function testAnUnmappedStatusIsReportedInTheAdminAndTheEventLogNotDropped(): void
    {
        $order = $this->order();
        $this->calls = [];

        $order->setField('STATUS_ID', 'X');
        $order->save();

        $this->assertSame([], $this->sent());
        $notices = array_column(\CAdminNotify::fakeRows(), 'MESSAGE');
        $this->assertCount(1, array_filter($notices, static fn ($m) => str_contains($m, '"X"')), implode("\n", $notices));
        $this->assertStringContainsString('status "X" has no Mindbox status', implode("\n", $this->eventLogDescriptions()));
    }

    public function testAChangeOfLinesSendsTheWholeOrderWithUpdateOrder(): void
    {
        $order = $this->order();
        $this->calls = [];

        $order->getBasket()->getItemById(2)->setField('QUANTITY', 3);
        $order->save();

        [[$operation, $body]] = $this->sent();
        $this->assertSame('updateOrder', $operation);
        $this->assertSame(3.0, $body['order']['lines'][1]['quantity']);
        $this->assertSame(3599.7, $body['order']['totalPrice']);
    }

    public function testStatusAndLinesChangedInOneSaveSendOneUpdateWithTheLinesStatus(): void
    {
        $order = $this->order();
        $this->calls = [];

        $order->setField('STATUS_ID', 'F');
        $order->setField('PRICE_DELIVERY', 0.0);
        $order->save();

        $this->assertSame(['updateOrder'], $this->sentOperations(), 'one body says both');
        $body = $this->sent()[0][1]['order'];
        $this->assertSame(0.0, $body['deliveryCost']);
        $this->assertSame(['Delivered', 'Delivered'], array_column(array_column(array_column($body['lines'], 'status'), 'ids'), 'externalId'));
    }

    public function testASaveChangingNothingMindboxKeepsSendsNothing(): void
    {
        $order = $this->order();
        $this->calls = [];

        $order->setField('COMMENTS', 'call before delivery');
        $order->save();
        $order->save();

        $this->assertSame([], $this->sent());
    }

    public function testOlderCoresWithoutIsChangedWorkToo(): void
    {
        Order::fakeLegacyCore(true);
        $order = $this->order();
        $order->setField('STATUS_ID', 'P');
        $order->save();

        $this->assertSame(['createOrder', 'Website.UpdateOrderStatus'], $this->sentOperations());
    }

    public function testProductIdsComeFromTheConfiguredFieldAndTheSiteMayOverrideThem(): void
    {
        $this->shop->configure(['product_id_source' => 'ID', 'product_id_key' => 'bitrixId']);
        $this->order();
        $lines = $this->sentOf('createOrder')[0][1]['order']['lines'];
        $this->assertSame([['bitrixId' => '10'], ['bitrixId' => '11']], array_column(array_column($lines, 'product'), 'ids'));

        $this->calls = [];
        EventManager::getInstance()->addEventHandler('rustbox.mindbox', 'OnGetProductId', static function ($event) {
            return new EventResult(EventResult::SUCCESS, ['productId' => 'sku-' . $event->getParameter('item')->getProductId()]);
        });
        $this->order();
        $lines = $this->sentOf('createOrder')[0][1]['order']['lines'];
        $this->assertSame(['bitrixId' => 'sku-10'], $lines[0]['product']['ids']);
    }

    public function testTestModePrefixesCustomerAndOrderIdsButNotProducts(): void
    {
        $this->shop->configure(['test_mode' => 'Y', 'test_prefix' => 'stage-', 'customer_id_key' => 'bitrixId', 'order_id_key' => 'shopOrderId']);
        $order = $this->order();
        $body = $this->sentOf('createOrder')[0][1];

        $this->assertSame(['bitrixId' => 'stage-1'], $body['customer']['ids']);
        $this->assertSame(['shopOrderId' => 'stage-' . $order->getId()], $body['order']['ids']);
        $this->assertSame(['websiteID' => 'SKU-10'], $body['order']['lines'][0]['product']['ids']);
    }

    public function testEachSiteUsesItsOwnSettings(): void
    {
        $this->shop->configure(['endpoint_id' => 'outlet-website', 'order_id_key' => 'outletOrderId'], 's2');
        $this->shop->fillCart([[10, 'SKU-10', 1, 10.0, 0.0]], 's2');
        $order = $this->shop->placeOrder(1, 'anna@example.com', '', 0.0, 's2');

        $create = array_values(array_filter($this->calls, static fn ($c) => $c['method'] === 'createOrder'));
        $this->assertSame('s2', $create[0]['site']);
        $this->assertSame(['outletOrderId' => (string)$order->getId()], $create[0]['args'][0]['order']['ids']);
        $this->assertSame('outlet-website', end($this->configs)['endpointId']);
        $this->assertSame('test-secret', end($this->configs)['secretKey'], 'what the site does not set comes from the module-wide value');
    }

    public function testDisabledOperationsAreNotSent(): void
    {
        $this->shop->configure(['enabled_events' => 'update_order,set_cart']);
        $order = $this->order();
        $order->setField('STATUS_ID', 'P');
        $order->save();

        $this->assertSame(['Website.UpdateOrderStatus'], $this->sentOperations());
    }
}
