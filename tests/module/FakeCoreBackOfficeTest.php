<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\ArgumentOutOfRangeException;
use Bitrix\Main\Config\Option;
use Bitrix\Main\Context;
use Bitrix\Main\Event;
use Bitrix\Main\EventManager;
use Bitrix\Main\EventResult;
use Bitrix\Main\ModuleManager;
use Bitrix\Sale\Order;
use Bitrix\Sale\Payment;
use Bitrix\Sale\PaySystem\Manager;

/**
 * The fake core's payments, returns, cancellations and statuses as the admin's pages make them
 * (sale/admin/order_ajax.php), the 1C exchange (sale/admin/1c_exchange.php, sale/general/order_loader.php) and a
 * REST call, with the events the module sees.
 */
final class FakeCoreBackOfficeTest extends FakeCoreTestCase
{
    private int $orderId;

    protected function setUp(): void
    {
        parent::setUp();
        $this->shop->fillCart([[1, 'SKU-1', 2, 100.0, 0.0], [2, 'SKU-2', 1, 50.0, 0.0]]);
        $this->orderId = $this->shop->placeOrder($this->shop->existingCustomer(), 'anna@example.com', '')->getId();
        ModuleManager::registerModule('test.module');
    }

    /** payment.php setPaid(), order.php syncOrderAndPayments(): PAYED and SUM_PAID follow, OnSaleOrderPaid either way. */
    public function testPayingAndReturningAPaymentMoveTheOrdersPaidFlagBothWays(): void
    {
        $this->listen('sale', ['OnPaymentPaid', 'OnSalePaymentEntitySaved', 'OnSaleOrderSaved', 'OnSaleOrderPaid']);
        $this->assertTrue($this->shop->payAsManager($this->orderId)->isSuccess());
        $this->assertSame(['OnSalePaymentEntitySaved', 'OnPaymentPaid', 'OnSaleOrderSaved', 'OnSaleOrderPaid'], array_column(self::$seen, 0));
        $this->assertSame(['N', 0.0], [self::$seen[2][1]['VALUES']['PAYED'], self::$seen[2][1]['VALUES']['SUM_PAID']]);
        $order = Order::load($this->orderId);
        $this->assertSame([true, 250.0], [$order->isPaid(), $order->getSumPaid()]);
        self::$seen = [];

        $this->assertTrue($this->shop->returnPaymentAsManager($this->orderId)->isSuccess());

        $this->assertSame(['OnSalePaymentEntitySaved', 'OnSaleOrderSaved', 'OnSaleOrderPaid'], array_column(self::$seen, 0));
        $this->assertSame(['IS_RETURN' => 'N', 'PAID' => 'Y'], array_intersect_key(self::$seen[0][1]['VALUES'], ['IS_RETURN' => 1, 'PAID' => 1]));
        $this->assertSame(['Y', 250.0], [self::$seen[1][1]['VALUES']['PAYED'], self::$seen[1][1]['VALUES']['SUM_PAID']]);
        $order = Order::load($this->orderId);
        [$payment] = iterator_to_array($order->getPaymentCollection());
        $this->assertSame([false, 0.0, 'Y', false], [$order->isPaid(), $order->getSumPaid(), $payment->getField('IS_RETURN'), $payment->isPaid()]);
        $this->assertSame((string)$this->shop->manager(), (string)$payment->getField('EMP_RETURN_ID'));
    }

    /** order.php syncOrderAndPayments() on a new PRICE: SUM_PAID at most the price; more to pay unpays the order. */
    public function testAPaidOrderEditedBelowItsPaymentStaysPaidAndAboveItIsNotPaid(): void
    {
        $this->shop->payAsManager($this->orderId);
        $this->listen('sale', ['OnSaleOrderPaid']);
        $this->shop->editOrderAsManager($this->orderId, static fn ($form) => $form->remove(2));
        $order = Order::load($this->orderId);
        $this->assertSame([true, 200.0, []], [$order->isPaid(), $order->getSumPaid(), self::$seen], 'the rest goes to the buyer\'s inner account');

        $this->shop->editOrderAsManager($this->orderId, static fn ($form) => $form->quantity(1, 3));
        $order = Order::load($this->orderId);
        $this->assertSame([false, ['OnSaleOrderPaid']], [$order->isPaid(), array_column(self::$seen, 0)]);
    }

    /** payment.php setReturn(): the values it takes, the pay system's refund, a payment not paid. */
    public function testAReturnThroughThePaySystemNeedsOneThatRefunds(): void
    {
        $this->shop->payAsManager($this->orderId, 7);
        $this->assertSame(['SALE_ORDER_PAYMENT_RETURN_NO_SUPPORTED'], $this->shop->returnPaymentAsManager($this->orderId, Payment::RETURN_PS)->getErrorMessages());
        $this->assertTrue(Order::load($this->orderId)->isPaid(), 'nothing changed');
        Manager::fakeRefundable(7);
        $this->assertTrue($this->shop->returnPaymentAsManager($this->orderId, Payment::RETURN_PS)->isSuccess());
        [$payment] = iterator_to_array(Order::load($this->orderId)->getPaymentCollection());
        $this->assertSame(['P', 'N'], [$payment->getField('IS_RETURN'), $payment->getField('PAID')]);

        $this->assertTrue($payment->setReturn(Payment::RETURN_INNER)->isSuccess(), 'already returned: no change');
        $this->assertSame('P', $payment->getField('IS_RETURN'));
        $this->assertTrue($payment->setReturn(Payment::RETURN_NONE)->isSuccess());
        $this->assertSame(['SALE_PS_SERVICE_PAYMENT_NOT_PAID'], $payment->setReturn(Payment::RETURN_INNER)->getErrorMessages());
        $this->assertSame('N', $payment->getField('IS_RETURN'), 'a refused return is undone');
        $this->expectException(ArgumentOutOfRangeException::class);
        $payment->setReturn('X');
    }

    /** orderbase.php onFieldModify('CANCELED'), paymentcollection.php onOrderModify(), order_ajax.php cancelOrder. */
    public function testCancellingAndUndoingItBothQueueOnSaleOrderCanceledAndAPaidOrderCannotBeCancelled(): void
    {
        $this->listen('sale', ['OnSaleBeforeOrderCanceled', 'OnSaleOrderSaved', 'OnSaleOrderCanceled']);
        $this->assertTrue($this->shop->cancelOrderAsManager($this->orderId, true, 'out of stock')->isSuccess());
        $this->assertSame(['OnSaleBeforeOrderCanceled', 'OnSaleOrderSaved', 'OnSaleOrderCanceled'], array_column(self::$seen, 0));
        $this->assertSame('N', self::$seen[1][1]['VALUES']['CANCELED']);
        $order = Order::load($this->orderId);
        $this->assertSame(['Y', 'out of stock', (string)$this->shop->manager()], [$order->getField('CANCELED'), $order->getField('REASON_CANCELED'), (string)$order->getField('EMP_CANCELED_ID')]);
        $this->assertSame(['SALE_OA_ERROR_CANCEL_ORDER_ALREADY'], $this->shop->cancelOrderAsManager($this->orderId)->getErrorMessages());
        $this->assertSame(['SALE_ORDER_PAID_ORDER_CANCELED'], $this->shop->payAsManager($this->orderId)->getErrorMessages());
        self::$seen = [];

        $this->assertTrue($this->shop->cancelOrderAsManager($this->orderId, false)->isSuccess());
        $this->assertSame(['OnSaleBeforeOrderCanceled', 'OnSaleOrderSaved', 'OnSaleOrderCanceled'], array_column(self::$seen, 0), 'undoing too');
        $this->assertSame(['Y', ''], [self::$seen[1][1]['VALUES']['CANCELED'], Order::load($this->orderId)->getField('REASON_CANCELED')]);

        $this->shop->payAsManager($this->orderId);
        $this->assertSame(['SALE_ORDER_CANCEL_PAYMENT_EXIST_ACTIVE'], $this->shop->cancelOrderAsManager($this->orderId)->getErrorMessages());
        $this->assertSame(['SALE_ORDER_CANCEL_PAYMENT_EXIST_ACTIVE'], Order::delete($this->orderId)->getErrorMessages());
    }

    /** orderbase.php onFieldModify('STATUS_ID'): the veto at once, the change after OnSaleOrderSaved; status_on_paid. */
    public function testAStatusChangeCanBeVetoedAndAPaidOrderTakesTheStatusOnPaid(): void
    {
        EventManager::getInstance()->registerEventHandler('sale', 'OnSaleBeforeStatusOrderChange', 'test.module', self::class, 'vetoFinal');
        $this->listen('sale', ['OnSaleStatusOrderChange']);
        $order = Order::load($this->orderId);
        $this->assertSame(['SALE_EVENT_ON_BEFORE_ORDER_STATUS_CHANGE_ERROR'], $order->setField('STATUS_ID', 'F')->getErrorMessages());
        $this->assertSame(['N', []], [$order->getField('STATUS_ID'), $order->getFields()->getOriginalValues()]);

        Option::set('sale', 'status_on_paid', 'P');
        $this->shop->payAsManager($this->orderId);
        $this->assertSame([['OnSaleStatusOrderChange', ['VALUE' => 'P', 'OLD_VALUE' => 'N']]], self::$seen);
    }

    public static function vetoFinal(Event $event): ?EventResult
    {
        return $event->getParameter('VALUE') === 'F' ? new EventResult(EventResult::ERROR) : null;
    }

    /**
     * 1c_exchange.php (type=sale: no ADMIN_SECTION), order_loader.php: a save per step. The last step sets UPDATED_1C
     * to Y, which it already is, then VERSION_1C, whose change sets UPDATED_1C back to N (OrderBase::onFieldModify).
     */
    public function testThe1CExchangeSavesEachStepOfItsLoaderOutsideTheAdminSection(): void
    {
        EventManager::getInstance()->registerEventHandler('sale', 'OnSaleOrderSaved', 'test.module', self::class, 'recordExchange');
        $lines = ['SKU-1' => ['QUANTITY' => 1, 'PRICE' => 100.0], 'SKU-3' => ['PRODUCT_ID' => 3, 'QUANTITY' => 1, 'PRICE' => 10.0]];
        $document = ['version' => 'v1', 'lines' => $lines, 'delivery' => 20.0, 'status' => 'F'];

        $this->assertTrue($this->shop->exchangeWith1C($this->orderId, $document)->isSuccess());

        $this->assertSame(['/bitrix/admin/1c_exchange.php?type=sale&mode=file&filename=orders.xml', false, (string)$this->shop->exchangeUser()], self::$seen[0][0]);
        $this->assertSame([['PRICE', 'VERSION', 'DATE_UPDATE'], ['ID_1C', 'UPDATED_1C', 'PRICE_DELIVERY', 'PRICE', 'VERSION', 'DATE_UPDATE'], ['VERSION_1C', 'UPDATED_1C', 'VERSION', 'DATE_UPDATE']],
            array_column(self::$seen, 1), 'lines, fields, the document\'s version; the status not without 1C_CHANGE_STATUS_FROM_1C');
        $this->assertSame('Y', self::$seen[2][2], 'UPDATED_1C before the last save');
        $order = Order::load($this->orderId);
        $this->assertSame([130.0, 'N', 'v1', '1c-' . $this->orderId, 'N'], [$order->getPrice(), $order->getField('UPDATED_1C'), $order->getField('VERSION_1C'), $order->getField('ID_1C'), $order->getField('STATUS_ID')]);
        self::$seen = [];
        $this->assertTrue($this->shop->exchangeWith1C($this->orderId, $document)->isSuccess());
        $this->assertSame([], self::$seen, 'the same version again: skipped');

        Option::set('sale', '1C_CHANGE_STATUS_FROM_1C', 'Y');
        $this->shop->payAsManager($this->orderId);
        self::$seen = [];
        $result = $this->shop->exchangeWith1C($this->orderId, ['version' => 'v2', 'lines' => [], 'canceled' => true, 'status' => 'F']);
        $this->assertSame(['CC_BSC1_FINAL_NOT_EDIT'], $result->getErrorMessages(), 'a paid order\'s lines stay');
        $this->assertSame([['PAYED', 'SUM_PAID', 'CANCELED', 'DATE_CANCELED', 'EMP_CANCELED_ID', 'VERSION', 'DATE_UPDATE'], ['STATUS_ID', 'DATE_STATUS', 'EMP_STATUS_ID', 'VERSION', 'DATE_UPDATE'],
            ['UPDATED_1C', 'VERSION', 'DATE_UPDATE'], ['VERSION_1C', 'UPDATED_1C', 'VERSION', 'DATE_UPDATE']], array_column(self::$seen, 1), 'returned, cancelled; status; marked');
        $order = Order::load($this->orderId);
        $this->assertSame([true, false, 'F', 2], [$order->isCanceled(), $order->isPaid(), $order->getField('STATUS_ID'), count($order->getBasket()->getBasketItems())]);
    }

    public static function recordExchange(Event $event): void
    {
        $request = Context::getCurrent()->getRequest();
        $values = $event->getParameter('VALUES');
        self::$seen[] = [[$request->getRequestUri(), $request->isAdminSection(), $GLOBALS['USER']->GetID()], array_keys($values), $values['UPDATED_1C'] ?? null];
    }

    /** A REST call through an inbound webhook: /rest/<user>/<token>/<method>.json, the webhook's user logged in. */
    public function testARestCallIsAHitOfItsOwnUnderRest(): void
    {
        $where = $this->shop->restCall('sale.order.update', static function (): array {
            $request = Context::getCurrent()->getRequest();
            return [$request->getRequestUri(), $request->isAdminSection(), $GLOBALS['USER']->GetID()];
        });

        $this->assertSame(['/rest/' . $this->shop->manager() . '/webhooktoken/sale.order.update.json', false, (string)$this->shop->manager()], $where);
        $this->assertNull($GLOBALS['USER']->GetID());
    }
}
