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
        $this->shop->visit(['mindboxDeviceUUID' => self::DEVICE]);
        $this->shop->fillCart([[10, 'SKU-10', 1, 10.0, 0.0]]);
        $this->shop->placeOrder(5, 'anna@example.com', '');

        $this->assertSame(['setCart', 'createOrder'], $this->sentOperations());
    }
}
