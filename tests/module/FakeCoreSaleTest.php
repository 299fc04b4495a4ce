<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Config\Option;
use Bitrix\Main\EventManager;
use Bitrix\Main\ModuleManager;
use Bitrix\Sale\Order;
use MindboxTests\Bitrix\Fakes\FakeShop;

/** The fake sale module (orders, carts, prices, the checkout, cart rules, payments) behaves as the real one does. */
final class FakeCoreSaleTest extends FakeCoreTestCase
{
    public function testOrderSavedCarriesOnlyTheChangedFieldsOriginalValues(): void
    {
        ModuleManager::registerModule('test.module');
        EventManager::getInstance()->registerEventHandler('sale', 'OnSaleOrderSaved', 'test.module', self::class, 'record');
        $order = Order::create('s1', 5);
        $order->save();
        $order->setField('STATUS_ID', 'P');
        $order->setField('COMMENTS', 'x');
        $order->setField('COMMENTS', '');
        $order->save();
        Order::fakeLegacyCore(true);
        $order->save();

        [[$created], [$changed], [$legacy]] = self::$seen;
        $this->assertTrue($created->getParameter('IS_NEW'));
        $this->assertFalse($changed->getParameter('IS_NEW'));
        $this->assertTrue($changed->getParameter('IS_CHANGED'));
        $this->assertSame('N', $changed->getParameter('VALUES')['STATUS_ID']);
        $this->assertArrayNotHasKey('COMMENTS', $changed->getParameter('VALUES'), 'a field set back to its value is not changed');
        $this->assertSame(['ENTITY', 'IS_NEW', 'VALUES'], array_keys($legacy->getParameters()), 'older cores send no IS_CHANGED');
    }

    public function testALinesPriceMovesItsOrdersTotalAtOnceAndACustomPriceKeepsItsDiscount(): void
    {
        $this->shop->fillCart([[1, 'SKU-1', 2, 100.0, 10.0]]);
        $order = Order::create('s1', 5);
        $order->setBasket(\Bitrix\Sale\Basket::loadItemsForFUser(\Bitrix\Sale\Fuser::getId(), 's1'));
        $order->setField('PRICE_DELIVERY', 50.0);
        $this->assertSame(230.0, $order->getPrice());

        $item = $order->getBasket()->getBasketItems()[0];
        $item->setField('CUSTOM_PRICE', 'Y');
        $item->setField('DISCOUNT_PRICE', 25.0);
        $this->assertSame(90.0, $item->getPrice(), 'a custom price is not recomputed from the discount');
        $item->setField('PRICE', 75.0);
        $this->assertSame(200.0, $order->getPrice());
    }

    public function testEachHitReadsTheCartAfreshAndOrderedItemsLeaveIt(): void
    {
        $this->shop->fillCart([[1, 'SKU-1', 1, 100.0, 0.0]]);
        $fuserId = \Bitrix\Sale\Fuser::getId();
        $first = \Bitrix\Sale\Basket::loadItemsForFUser($fuserId, 's1');
        $first->getBasketItems()[0]->setField('PRICE', 1.0);
        $first->getBasketItems()[0]->getPropertyCollection()->createItem()->setFields(['NAME' => 'Colour', 'CODE' => 'COLOUR', 'VALUE' => 'red']);

        $second = \Bitrix\Sale\Basket::loadItemsForFUser($fuserId, 's1');
        $this->assertSame(100.0, $second->getBasketItems()[0]->getPrice(), 'an unsaved change is not in the database');
        $this->assertSame([], $second->getBasketItems()[0]->getPropertyCollection()->getPropertyValues());
        $this->assertSame(
            ['COLOUR' => ['CODE' => 'COLOUR', 'ID' => 0, 'VALUE' => 'red', 'SORT' => 100, 'NAME' => 'Colour']],
            $first->getBasketItems()[0]->getPropertyCollection()->getPropertyValues()
        );

        $this->shop->placeOrder((int)(new \CUser())->Add(['LOGIN' => 'anna']), 'anna@example.com', '');
        $this->assertTrue(\Bitrix\Sale\Basket::loadItemsForFUser($fuserId, 's1')->isEmpty());
    }

    public function testTheCheckoutFiresItsEventsTheOldWayWithArraysByReference(): void
    {
        ModuleManager::registerModule('test.module');
        $manager = EventManager::getInstance();
        $manager->registerEventHandler('sale', 'OnSaleComponentOrderCreated', 'test.module', self::class, 'onOrderCreated');
        $manager->registerEventHandler('sale', 'OnSaleComponentOrderResultPrepared', 'test.module', self::class, 'onResultPrepared');
        $this->shop->fillCart([[1, 'SKU-1', 1, 100.0, 0.0]]);

        ['order' => $order, 'result' => $result] = $this->shop->checkout();

        $this->assertSame([[7, true], [5, 100.0]], self::$seen);
        $this->assertSame('created', $result['SEEN']);
        $this->assertSame(0, $order->getId(), 'a recalculation saves nothing');
        $this->assertGreaterThan(0, $this->shop->checkout(true)['order']->getId());
    }

    public static function onOrderCreated($order, &$userResult, $request, &$params, &$result, &$deliveries, &$paySystems): void
    {
        self::$seen[] = [func_num_args(), $order instanceof Order];
        $result['SEEN'] = 'created';
    }

    public static function onResultPrepared($order, &$userResult, $request, &$params, &$result): void
    {
        self::$seen[] = [func_num_args(), $result['JS_DATA']['TOTAL']['ORDER_TOTAL_PRICE']];
    }

    /** sale/lib/basketbase.php getOrderableItems(): a new basket, the same items moved into it. */
    public function testOrderableItemsAreMovedIntoANewBasketAndAnOrdersShipmentsHearOfIt(): void
    {
        $this->shop->fillCart([[1, 'SKU-1', 1, 10.0, 0.0], [2, 'SKU-2', 1, 20.0, 0.0]]);
        $basket = $this->shop->shopperBasket();
        $basket->getItemById(2)->setField('DELAY', 'Y');

        $orderable = $basket->getOrderableItems();
        $this->assertNotSame($basket, $orderable);
        $this->assertSame([1], array_map(static fn ($i) => $i->getId(), $orderable->getBasketItems()));
        $this->assertSame($orderable, $basket->getItemById(1)->getCollection(), 'the item now belongs to the new basket');
        $this->assertSame($basket, $basket->getItemById(2)->getCollection());

        $order = Order::create('s1', 1);
        $order->appendBasket($this->shop->shopperBasket()->getOrderableItems());
        $this->assertSame(0, $order->fakeShipmentChanges());
        $order->getBasket()->getOrderableItems();
        $this->assertSame(2, $order->fakeShipmentChanges(), 'each line moved into the new basket of an unsaved order');
    }

    /** sale/lib/basketbase.php save(), basketitembase.php save() and delete(). */
    public function testEverySaveOfACartFiresItsEventsAndOnlyChangedLinesTheirs(): void
    {
        $this->listen('sale', ['OnSaleBasketSaved', 'OnSaleBasketItemEntitySaved', 'OnSaleBasketItemEntityDeleted', 'OnSaleBasketItemDeleted']);
        $this->shop->fillCart([[1, 'SKU-1', 2, 10.0, 0.0]]);
        $this->shop->shopperBasket()->save();
        $basket = $this->shop->shopperBasket();
        $basket->getItemById(1)->setField('QUANTITY', 3);
        $basket->save();
        $basket = $this->shop->shopperBasket();
        $basket->getItemById(1)->delete();
        $basket->save();

        $names = array_column(self::$seen, 0);
        $this->assertSame(['OnSaleBasketItemEntitySaved', 'OnSaleBasketSaved', 'OnSaleBasketSaved', 'OnSaleBasketItemEntitySaved', 'OnSaleBasketSaved',
            'OnSaleBasketItemEntityDeleted', 'OnSaleBasketItemDeleted', 'OnSaleBasketSaved'], $names);
        $new = self::$seen[0][1]['VALUES'];
        $this->assertNull($new['ID']);
        $this->assertNull($new['QUANTITY'], 'a new line: null for each field set after it was made');
        $this->assertSame(2.0, (float)self::$seen[3][1]['VALUES']['QUANTITY'], 'the old value');
        $this->assertArrayHasKey('DATE_UPDATE', self::$seen[3][1]['VALUES']);
        $this->assertSame(['VALUES'], array_keys(self::$seen[6][1]), 'the deleted row alone, no entity');
        $this->assertSame(3.0, (float)self::$seen[6][1]['VALUES']['QUANTITY']);
    }

    /** sale/lib/pricemaths.php and basketitembase.php setField(): prices rounded at the value_precision option. */
    public function testPricesAreRoundedAtTheShopsPrecision(): void
    {
        $basket = $this->shop->fillCart([[1, 'SKU-1', 3, 966.6666, 0.0]]);
        $this->assertSame(966.67, $basket->getItemById(1)->getPrice());
        $basket->getItemById(1)->setField('PRICE', 1.005);
        $this->assertSame(1.01, $basket->getItemById(1)->getPrice(), 'half away from zero');

        $shop = FakeShop::open();
        Option::set('sale', 'value_precision', '4');
        $this->assertSame(966.6666, $shop->fillCart([[1, 'SKU-1', 3, 966.6666, 0.0]])->getItemById(1)->getPrice());
        $shop->close();
        $this->shop = FakeShop::open();
    }

    /** sale/lib/fuser.php getUserIdById(); sale/general/basket.php GetAnonymousUserID(); main/lib/user.php. */
    public function testGuestsAreUserZeroAndTheAnonymousBuyerIsATechnicalUser(): void
    {
        $this->assertSame(0, \Bitrix\Sale\Fuser::getUserIdById(\Bitrix\Sale\Fuser::getId()));
        $this->assertSame(0, \Bitrix\Sale\Fuser::getUserIdById(999));

        $id = (int)\CSaleUser::GetAnonymousUserID();
        $row = \CUser::GetByID($id)->Fetch();
        $this->assertSame(['N', 'saleanonymous'], [$row['ACTIVE'], $row['EXTERNAL_AUTH_ID']]);
        $this->assertMatchesRegularExpression('/^anonymous_\w{9}@example\.com$/', $row['EMAIL']);
        $this->assertSame((string)$id, Option::get('sale', 'anonymous_user_id'));
        $this->assertSame($id, (int)\CSaleUser::GetAnonymousUserID(), 'made once');
        $this->assertContains('saleanonymous', \Bitrix\Main\UserTable::getExternalUserTypes());
        $this->assertSame('Y', \CUser::GetByID((int)(new \CUser())->Add(['LOGIN' => 'plain']))->Fetch()['ACTIVE'], 'active unless told otherwise');
    }

    /** sale/lib/orderbase.php delete(): cancel and save, lines deleted, veto asked, saved, OnSaleOrderDeleted. */
    public function testDeletingAnOrderCancelsItFirst(): void
    {
        $this->listen('sale', ['OnSaleOrderSaved', 'OnSaleOrderCanceled', 'OnSaleBeforeOrderDelete', 'OnSaleOrderDeleted']);
        $this->shop->fillCart([[1, 'SKU-1', 1, 10.0, 0.0]]);
        $order = $this->shop->placeOrder((int)(new \CUser())->Add(['LOGIN' => 'anna']), 'anna@example.com', '');
        self::$seen = [];

        Order::delete($order->getId());

        $this->assertSame(['OnSaleOrderSaved', 'OnSaleOrderCanceled', 'OnSaleBeforeOrderDelete', 'OnSaleOrderSaved', 'OnSaleOrderDeleted'], array_column(self::$seen, 0));
        $this->assertSame('N', self::$seen[0][1]['VALUES']['CANCELED']);
        $this->assertTrue(self::$seen[4][1]['VALUE']);
        $this->assertNull(Order::load($order->getId()));
    }

    /** A cart rule whose action takes $amount off every line's unit price, as a core action would write it. */
    public static function takeOff(array &$order, float $amount): void
    {
        foreach ($order['BASKET_ITEMS'] as &$row) {
            $row['PRICE'] -= $amount;
            $row['DISCOUNT_PRICE'] += $amount;
        }
    }

    public static function takeOffControl(): array
    {
        return [
            'ID' => 'FakeTakeOff',
            'Parse' => static fn () => [],
            'GetConditionShow' => static fn () => [],
            'ApplyValues' => static fn () => [],
            'Generate' => static fn (array $data, array $params) => '\\' . self::class . '::takeOff(' . $params['ORDER'] . ', ' . var_export((float)$data['amount'], true) . ')',
        ];
    }

    private static function addRule(string $name, float $amount, int $priority, int $sort, string $last = 'N'): void
    {
        $id = \CSaleDiscount::Add([
            'LID' => 's1', 'NAME' => $name, 'PRIORITY' => $priority, 'SORT' => $sort, 'LAST_DISCOUNT' => $last,
            'ACTIONS' => ['CLASS_ID' => 'CondGroup', 'DATA' => ['All' => 'AND'], 'CHILDREN' => [['CLASS_ID' => 'FakeTakeOff', 'DATA' => ['amount' => $amount]]]],
        ]);
        self::assertIsInt($id);
    }

    /**
     * sale/general/discount.php (Add compiles ACTIONS), sale/lib/discountbase.php (rules by PRIORITY then SORT, the
     * catalog's discount first, LAST_DISCOUNT, normalizeDiscountResult), orderbase.php doFinalAction().
     */
    public function testCartRulesRunInTheEnginesOrderInsideDoFinalAction(): void
    {
        EventManager::getInstance()->registerEventHandlerCompatible('sale', 'OnCondSaleActionsControlBuildList', 'main', self::class, 'takeOffControl');
        EventManager::getInstance()->registerEventHandler('sale', 'OnBeforeSaleOrderFinalAction', 'main', self::class, 'record');
        self::addRule('second', 1.0, 1, 200);
        self::addRule('first', 10.0, 2, 500, 'Y');
        self::addRule('never', 100.0, 1, 300, 'Y');
        $this->assertFalse(\CSaleDiscount::Add(['LID' => 's1', 'ACTIONS' => ['CLASS_ID' => 'CondGroup', 'CHILDREN' => [['CLASS_ID' => 'Unknown']]]]), 'an action without its control is refused');
        $this->shop->fillCart([[1, 'SKU-1', 2, 100.0, 5.0]]);
        $order = Order::create('s1', 1);
        $order->appendBasket($this->shop->shopperBasket()->getOrderableItems());

        $order->doFinalAction(true);

        [$item] = $order->getBasket()->getBasketItems();
        // 100 − 5 (catalog) − 10 (priority 2) = 85, then LAST_DISCOUNT stops the rest.
        $this->assertSame([85.0, 15.0], [$item->getPrice(), $item->getDiscountPrice()]);
        $this->assertSame(170.0, $order->getPrice());
        $this->assertCount(1, self::$seen, 'OnBeforeSaleOrderFinalAction before the calculation');
        $order->doFinalAction(true);
        $this->assertSame(85.0, $item->getPrice(), 'each calculation starts again from the base price');
        $this->assertSame(85.0, $order->doFinalAction(false)->isSuccess() ? $item->getPrice() : null, 'nothing meaningful: nothing runs');
    }

    /**
     * discountbase.php getShowPrices() and sale.order.ajax obtainBasket(): the page shows the engine's last
     * calculation, so a price changed after it (as a handler of OnSaleComponentOrderCreated would) is not what the
     * lines and the subtotal show, while the total is the order's: the mismatch a module must not cause.
     */
    public function testTheCheckoutShowsTheEnginesPricesNotAPriceChangedAfterIt(): void
    {
        EventManager::getInstance()->registerEventHandlerCompatible('sale', 'OnSaleComponentOrderCreated', 'main', self::class, 'cutPriceAfterTheEngine');
        $this->shop->fillCart([[1, 'SKU-1', 1, 1000.0, 0.0]]);

        $total = $this->shop->checkout()['result']['JS_DATA']['TOTAL'];

        $this->assertSame(1000.0, $total['ORDER_PRICE'], 'the line and subtotal as the engine priced them');
        $this->assertSame(900.0, $total['ORDER_TOTAL_PRICE'], 'the total as the order now is');
        $this->assertSame(1000.0, $total['ORDER_TOTAL_LEFT_TO_PAY'], 'the payment was set before the event');
    }

    public static function cutPriceAfterTheEngine($order): void
    {
        foreach ($order->getBasket()->getBasketItems() as $item) {
            $item->setField('CUSTOM_PRICE', 'Y');
            $item->setField('PRICE', 900.0);
        }
    }

    /** sale/lib/paymentcollection.php onOrderModify(), isAllowAutoEdit(). */
    public function testAPaymentFollowsTheOrdersPriceOnlyWhenItIsTheOnlyUnpaidOneAndItsSumWasNotSet(): void
    {
        $this->shop->fillCart([[1, 'SKU-1', 1, 1000.0, 0.0]]);
        $order = Order::create('s1', 1);
        $order->appendBasket($this->shop->shopperBasket()->getOrderableItems());
        $payment = $order->getPaymentCollection()->createItem();
        $payment->setField('SUM', 1000.0);
        $order->setField('PRICE_DELIVERY', 100.0);
        $this->assertSame(1000.0, $payment->getSum(), 'its SUM was just set');
        $order->save();

        $order->setField('PRICE_DELIVERY', 200.0);
        $this->assertSame(1200.0, $payment->getSum(), 'saved since: it follows');
        $order->getPaymentCollection()->createItem();
        $order->setField('PRICE_DELIVERY', 300.0);
        $this->assertSame(1200.0, $payment->getSum(), 'two payments: none follows');
    }
}
