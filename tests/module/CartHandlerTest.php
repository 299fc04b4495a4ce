<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

/** sale:OnSaleBasketSaved → setCart with the whole product list, for guests and customers. */
final class CartHandlerTest extends ModuleTestCase
{
    private const DEVICE = '3f1c9a52-77b0-4c1e-9d2f-8a6b5e4d3c21';

    public function testAGuestCartGoesWithTheTrackerDeviceId(): void
    {
        $this->shop->visit(['mindboxDeviceUUID' => self::DEVICE, 'BITRIX_SM_mindboxDeviceUUID' => 'not-this-one']);
        $this->shop->fillCart([[10, 'SKU-10', 2, 1000.0, 100.0], [11, 'SKU-11', 1.5, 20.0, 0.0]]);

        $this->assertSame([[
            'setCart',
            ['productList' => [
                ['product' => ['ids' => ['websiteID' => 'SKU-10']], 'count' => 2.0, 'pricePerItem' => 900.0],
                ['product' => ['ids' => ['websiteID' => 'SKU-11']], 'count' => 1.5, 'pricePerItem' => 20.0],
            ]],
            ['deviceUUID' => self::DEVICE, 'customerIp' => '198.51.100.7', 'orderingKey' => 'cart-1'],
        ]], $this->sent());
    }

    public function testACustomerCartNamesTheCustomerAndSendsTheWholeListEachTime(): void
    {
        $user = new \CUser();
        $id = $user->Add(['LOGIN' => 'anna', 'EMAIL' => 'anna@example.com']);
        $this->shop->visit(['mindboxDeviceUUID' => self::DEVICE]);
        $this->shop->logIn($id);
        $this->calls = [];

        $this->shop->fillCart([[10, 'SKU-10', 1, 10.0, 0.0]]);
        $basket = $this->shop->fillCart([[11, 'SKU-11', 1, 20.0, 0.0]]);
        $basket->getBasketItems()[0]->setField('DELAY', 'Y'); // put aside: not in the cart any more
        $basket->save();

        $lists = array_map(static fn (array $s) => array_column(array_column(array_column($s[1]['productList'], 'product'), 'ids'), 'websiteID'), $this->sent());
        $this->assertSame([['SKU-10'], ['SKU-10', 'SKU-11'], ['SKU-11']], $lists);
        $this->assertSame(['websiteID' => (string)$id], $this->sent()[0][1]['customer']['ids']);
        $this->assertSame(self::DEVICE, $this->sent()[0][2]['deviceUUID']);
    }

    public function testAGuestWithoutTheTrackerCookieCannotBeToldApartAndIsSkipped(): void
    {
        $this->shop->fillCart([[10, 'SKU-10', 1, 10.0, 0.0]]);
        $this->assertSame([], $this->sent());
        $this->assertSame([], $this->eventLogDescriptions());
    }

    public function testTheBasketOfAnOrderIsNotACart(): void
    {
        $userId = $this->shop->existingCustomer();
        $this->shop->visit(['mindboxDeviceUUID' => self::DEVICE]);
        $this->shop->fillCart([[10, 'SKU-10', 1, 10.0, 0.0]]);
        $this->shop->placeOrder($userId, 'anna@example.com', '');

        $this->assertSame(['setCart', 'createOrder'], $this->sentOperations());
    }

    /** sale.order.ajax saves the shopper's basket on every render and AJAX refresh; none of those is a change. */
    public function testACheckoutHitAnAjaxRefreshAndAnUnchangedSaveSendNothing(): void
    {
        $this->shop->visit(['mindboxDeviceUUID' => self::DEVICE]);
        $this->shop->fillCart([[10, 'SKU-10', 1, 10.0, 0.0], [11, 'SKU-11', 2, 20.0, 0.0]]);
        $this->calls = [];

        $this->shop->checkout();
        $this->shop->visit(['mindboxDeviceUUID' => self::DEVICE], post: ['soa-action' => 'refreshOrderAjax']);
        $this->shop->checkout();
        $this->shop->visit(['mindboxDeviceUUID' => self::DEVICE]);
        $this->shop->shopperBasket()->save();

        $this->assertSame([], $this->sent());
    }

    public function testAddingChangingRemovingOrPuttingAsideALineSendsOneSetCartWithTheWholeList(): void
    {
        $this->shop->visit(['mindboxDeviceUUID' => self::DEVICE]);
        $this->shop->fillCart([[10, 'SKU-10', 1, 10.0, 0.0]]);
        $this->shop->fillCart([[11, 'SKU-11', 1, 20.0, 0.0]]);
        $basket = $this->shop->shopperBasket();
        $basket->getItemById(2)->setField('QUANTITY', 3);
        $basket->save();
        $basket = $this->shop->shopperBasket();
        $basket->getItemById(1)->delete();
        $basket->save();
        $basket = $this->shop->shopperBasket();
        $basket->getItemById(2)->setField('DELAY', 'Y');
        $basket->save();

        $lists = array_map(static fn (array $s) => array_map(
            static fn (array $line) => $line['product']['ids']['websiteID'] . ' x' . $line['count'],
            $s[1]['productList']
        ), $this->sentOf('setCart'));
        $this->assertSame([['SKU-10 x1'], ['SKU-10 x1', 'SKU-11 x1'], ['SKU-10 x1', 'SKU-11 x3'], ['SKU-11 x3'], []], $lists);
    }

    public function testReadingTheOrderableLinesMovesNoItemOutOfItsBasket(): void
    {
        $this->shop->visit(['mindboxDeviceUUID' => self::DEVICE]);
        $this->shop->fillCart([[10, 'SKU-10', 1, 10.0, 0.0], [11, 'SKU-11', 1, 20.0, 0.0]]);
        $basket = $this->shop->shopperBasket();
        $basket->getItemById(1)->setField('QUANTITY', 2);
        $basket->save();

        $this->assertCount(2, $this->sentOf('setCart'));
        foreach ($basket->getBasketItems() as $item) {
            $this->assertSame($basket, $item->getCollection());
        }
        $order = $this->shop->placeOrder($this->shop->existingCustomer(), 'anna@example.com', '');
        foreach ($order->getBasket()->getBasketItems() as $item) {
            $this->assertSame($order->getBasket(), $item->getCollection());
        }
    }

    public function testPutAsideItemsFormTheWishListWhenItIsSwitchedOn(): void
    {
        $this->shop->visit(['mindboxDeviceUUID' => self::DEVICE]);
        $this->shop->fillCart([[10, 'SKU-10', 1, 10.0, 0.0], [11, 'SKU-11', 2, 20.0, 0.0]]);
        $basket = $this->shop->shopperBasket();
        $basket->getItemById(1)->setField('DELAY', 'Y');
        $basket->save();
        $this->assertSame([], $this->sentOf('Website.SetWishList'), 'off by default');

        $this->shop->configure(['enabled_events' => 'set_cart,set_wishlist']);
        $basket = $this->shop->shopperBasket();
        $basket->getItemById(2)->setField('DELAY', 'Y');
        $basket->save();
        $basket = $this->shop->shopperBasket();
        $basket->getItemById(1)->setField('DELAY', 'N');
        $basket->save();

        $wishes = $this->sentOf('Website.SetWishList');
        $this->assertSame([
            [['product' => ['ids' => ['websiteID' => 'SKU-10']], 'count' => 1.0, 'pricePerItem' => 10.0], ['product' => ['ids' => ['websiteID' => 'SKU-11']], 'count' => 2.0, 'pricePerItem' => 20.0]],
            [['product' => ['ids' => ['websiteID' => 'SKU-11']], 'count' => 2.0, 'pricePerItem' => 20.0]],
        ], array_column(array_column($wishes, 1), 'productList'));
        $this->assertSame(['deviceUUID' => self::DEVICE, 'customerIp' => '198.51.100.7', 'orderingKey' => 'wishlist-1'], $wishes[0][2]);
        $carts = array_map(static fn (array $s) => count($s[1]['productList']), $this->sentOf('setCart'));
        $this->assertSame([2, 1, 0, 1], $carts, 'a line put aside leaves the cart');
    }
}
