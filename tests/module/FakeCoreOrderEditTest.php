<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Context;
use Bitrix\Main\Event;
use Bitrix\Main\EventManager;
use Bitrix\Main\ModuleManager;
use Bitrix\Sale\Basket;
use Bitrix\Sale\Order;
use MindboxTests\Bitrix\Fakes\OrderEditForm;

/**
 * The fake core's admin order page (sale/admin/order_edit.php, sale/lib/helpers/admin/orderedit.php) and what an edit
 * of a stored order shows the module: the events of its save, the lines' original values, the basket codes.
 */
final class FakeCoreOrderEditTest extends FakeCoreTestCase
{
    private int $orderId;

    protected function setUp(): void
    {
        parent::setUp();
        $this->shop->fillCart([[1, 'SKU-1', 2, 100.0, 10.0], [2, 'SKU-2', 1, 50.0, 0.0]]);
        $this->orderId = $this->shop->placeOrder($this->shop->existingCustomer(), 'anna@example.com', '', 30.0)->getId();
    }

    /** orderedit.php editOrderByFormData(), order_edit.php's save, orderbase.php save(), basketbase.php save(). */
    public function testAnEditFiresTheCoresEventsInTheCoresOrderInTheManagersAdminHit(): void
    {
        $this->listenWhere(['OnSaleBasketItemEntityDeleted', 'OnBeforeSaleOrderFinalAction', 'OnSaleOrderBeforeSaved', 'OnSaleOrderEntitySaved',
            'OnSaleBasketItemEntitySaved', 'OnSaleBasketItemDeleted', 'OnSaleOrderSaved', 'OnSaleStatusOrderChange']);
        $visitorUri = Context::getCurrent()->getRequest()->getRequestUri();

        $result = $this->shop->editOrderAsManager($this->orderId, static fn (OrderEditForm $form) => $form->quantity(1, 1)->remove(2)->add(3, 'SKU-3', 2, 40.0)->status('P'));

        $this->assertTrue($result->isSuccess());
        $this->assertSame(['OnSaleBasketItemEntityDeleted', 'OnBeforeSaleOrderFinalAction', 'OnSaleOrderBeforeSaved', 'OnSaleOrderEntitySaved',
            'OnSaleBasketItemEntitySaved', 'OnSaleBasketItemEntitySaved', 'OnSaleBasketItemDeleted', 'OnSaleOrderSaved', 'OnSaleStatusOrderChange'], array_column(self::$seen, 0));
        foreach (self::$seen as [$name, $where]) {
            $this->assertSame(['/bitrix/admin/sale_order_edit.php?ID=' . $this->orderId . '&lang=en', true, (string)$this->shop->manager()], $where, $name);
        }
        [$deleted, , , , $changedLine, $newLine, $deletedRow, $saved, $status] = array_column(self::$seen, 2);
        $this->assertSame(1.0, (float)$deleted['VALUES']['QUANTITY'], 'the deleted line: its quantity before the deletion');
        $this->assertSame(2.0, (float)$changedLine['VALUES']['QUANTITY']);
        $this->assertNull($newLine['VALUES']['ID']);
        $this->assertSame(['ID', 'TYPE', 'SET_PARENT_ID', 'PRODUCT_ID', 'NAME', 'QUANTITY', 'FUSER_ID', 'ORDER_ID', 'ENTITY_REGISTRY_TYPE'], array_keys($deletedRow['VALUES']));
        $this->assertFalse($saved['IS_NEW']);
        $this->assertTrue($saved['IS_CHANGED']);
        $this->assertSame(['N', 260.0], [$saved['VALUES']['STATUS_ID'], $saved['VALUES']['PRICE']], 'the order\'s own fields only');
        $this->assertArrayNotHasKey('QUANTITY', $saved['VALUES']);
        $this->assertSame(['VALUE' => 'P', 'OLD_VALUE' => 'N'], $status);
        $this->assertSame($visitorUri, Context::getCurrent()->getRequest()->getRequestUri(), 'the visitor\'s browser again');
        $this->assertNull($GLOBALS['USER']->GetID());

        $order = Order::load($this->orderId);
        $this->assertSame(1.0 * 90 + 2 * 40 + 30, $order->getPrice());
        $this->assertSame([[1, 1.0], [3, 2.0]], array_map(static fn ($i) => [$i->getProductId(), $i->getQuantity()], $order->getBasket()->getBasketItems()));
        $this->assertSame((string)$this->shop->manager(), (string)$order->getField('EMP_STATUS_ID'));
    }

    /** basketitembase.php getBasketCode() and create(): a code once given stays on the object. */
    public function testANewLineKeepsItsTemporaryCodeThroughTheSaveAndIsKnownByItsIdWhenLoadedAgain(): void
    {
        EventManager::getInstance()->registerEventHandler('sale', 'OnSaleOrderSaved', 'test.module', self::class, 'codes');
        ModuleManager::registerModule('test.module');

        $this->shop->editOrderAsManager($this->orderId, static fn (OrderEditForm $form) => $form->add(3, 'SKU-3', 1, 40.0)->add(4, 'SKU-4', 1, 10.0));

        [$codes] = self::$seen;
        $this->assertSame([[1, 1], [2, 2], ['n1', 3], ['n2', 4]], $codes, '[basket code, ID] in OnSaleOrderSaved');
        $this->assertSame([1, 2, 3, 4], array_map(static fn ($i) => $i->getBasketCode(), Order::load($this->orderId)->getBasket()->getBasketItems()));
        $basket = Basket::create('s1');
        $this->assertSame(['n1', 'n7', 'n8'], [$basket->createItem('catalog', 1)->getBasketCode(), $basket->createItem('catalog', 2, 'n7')->getBasketCode(),
            $basket->createItem('catalog', 3)->getBasketCode()], 'one counter per hit, moved past a code given');
    }

    public static function codes(Event $event): void
    {
        self::$seen[] = array_map(static fn ($i) => [$i->getBasketCode(), $i->getId()], $event->getParameter('ENTITY')->getBasket()->getBasketItems());
    }

    /** internals/fields.php: original values and changed values until the save; a value set back is no change. */
    public function testALinesFieldsKeepTheirOriginalValuesUntilTheOrderIsSaved(): void
    {
        $order = Order::load($this->orderId);
        $line = $order->getBasket()->getItemById(1);
        $line->setField('QUANTITY', 5);
        $line->setField('NAME', 'Renamed');
        $line->setField('NAME', 'Product 1');

        $this->assertSame(['QUANTITY' => 2], $line->getFields()->getOriginalValues());
        $this->assertSame(['QUANTITY' => 5], $line->getFields()->getChangedValues());
        $this->assertSame(['PRICE' => 260.0], $order->getFields()->getOriginalValues(), 'the order: its price, not the line');
        $this->assertTrue($order->getFields()->isChanged('PRICE'));
        $order->save();
        $this->assertSame([], $line->getFields()->getOriginalValues());
        $this->assertSame([], $order->getFields()->getChangedKeys());
    }

    /** orderbase.php save(), completeSaving(): a save with nothing changed bumps and stamps nothing. */
    public function testASaveThatChangesNothingSaysSo(): void
    {
        $this->listenWhere(['OnSaleOrderSaved']);
        $order = Order::load($this->orderId);
        $order->save();
        $order->getBasket()->getItemById(2)->delete();
        $order->save();

        [[, , $nothing], [, , $deleted]] = self::$seen;
        $this->assertSame([false, []], [$nothing['IS_CHANGED'], $nothing['VALUES']]);
        $this->assertSame(['PRICE', 'VERSION', 'DATE_UPDATE'], array_keys($deleted['VALUES']), 'a deletion: the price, the version, the date');
        $this->assertTrue($deleted['IS_CHANGED']);
    }

    /** sale_order_shipment_edit.php: the delivery price moves the order's; order.php refuses it on a cancelled order. */
    public function testTheDeliveryPriceMovesTheOrdersPriceAndACancelledOrdersCannot(): void
    {
        $this->listenWhere(['OnSaleOrderSaved']);
        $this->assertTrue($this->shop->changeDeliveryAsManager($this->orderId, 50.0)->isSuccess());
        $this->assertSame(['PRICE_DELIVERY' => 30.0, 'PRICE' => 260.0], array_intersect_key(self::$seen[0][2]['VALUES'], ['PRICE_DELIVERY' => 1, 'PRICE' => 1]));
        $this->assertSame(280.0, Order::load($this->orderId)->getPrice());

        $this->shop->cancelOrderAsManager($this->orderId);
        $this->assertSame(['SALE_ORDER_PRICE_DELIVERY_ORDER_CANCELED'], $this->shop->changeDeliveryAsManager($this->orderId, 0.0)->getErrorMessages());
    }

    /** orderedit.php fillSimpleFields() and fillBasketItems(): the comments; a price typed in is the line's custom price. */
    public function testAPriceTypedInIsCustomAndTheCommentsAreTheOrders(): void
    {
        $this->shop->editOrderAsManager($this->orderId, static fn (OrderEditForm $form) => $form->price(1, 70.0)->comment('called the buyer'));

        $order = Order::load($this->orderId);
        $line = $order->getBasket()->getItemById(1);
        $this->assertSame([70.0, true, 'called the buyer', 2 * 70 + 50 + 30.0], [$line->getPrice(), $line->isCustomPrice(), $order->getField('COMMENTS'), $order->getPrice()]);
    }

    /**
     * orderedit.php: without a line's meaningful change the final action does not run; USER_ID set again
     * (setFieldNoDemand) marks an order the 1C exchange had marked as changed since (orderbase.php).
     */
    public function testAnEditOfNoLineRunsNoFinalActionAndMarksTheOrderChangedFor1C(): void
    {
        $order = Order::load($this->orderId);
        $order->setField('UPDATED_1C', 'Y');
        $order->save();
        $this->listenWhere(['OnBeforeSaleOrderFinalAction', 'OnSaleOrderSaved']);

        $this->shop->editOrderAsManager($this->orderId, static fn (OrderEditForm $form) => $form->remove(2));

        $this->assertSame(['OnSaleOrderSaved'], array_column(self::$seen, 0));
        $this->assertSame(['UPDATED_1C' => 'Y', 'PRICE' => 260.0], array_intersect_key(self::$seen[0][2]['VALUES'], ['UPDATED_1C' => 1, 'PRICE' => 1]));
    }

    /** orderedit.php: an empty form is an error; a product the order has is merged by the real helper, refused here. */
    public function testAFormWithoutLinesIsRefusedAndAProductAddedTwiceIsNotGuessed(): void
    {
        $result = $this->shop->editOrderAsManager($this->orderId, static fn (OrderEditForm $form) => $form->remove(1)->remove(2));
        $this->assertSame(['SALE_ORDEREDIT_ERROR_NO_PRODUCTS'], $result->getErrorMessages());
        $this->assertCount(2, Order::load($this->orderId)->getBasket()->getBasketItems(), 'nothing saved');

        $this->expectException(\LogicException::class);
        $this->shop->editOrderAsManager($this->orderId, static fn (OrderEditForm $form) => $form->add(1, 'SKU-1', 1, 100.0));
    }

    private function listenWhere(array $events): void
    {
        ModuleManager::registerModule('test.module');
        foreach ($events as $event) {
            EventManager::getInstance()->registerEventHandler('sale', $event, 'test.module', self::class, 'recordWhere');
        }
    }

    /** [event, [request URI, admin section, user], parameters without ENTITY]. */
    public static function recordWhere(Event $event): void
    {
        $request = Context::getCurrent()->getRequest();
        $parameters = $event->getParameters();
        unset($parameters['ENTITY'], $parameters['BASKET']);
        self::$seen[] = [$event->getEventType(), [$request->getRequestUri(), $request->isAdminSection(), $GLOBALS['USER']->GetID()], $parameters];
    }
}
