<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Event;
use Bitrix\Main\EventManager;
use Bitrix\Main\EventResult;
use Bitrix\Sale\DiscountCouponsManager;
use Bitrix\Sale\Order;
use Bitrix\Sale\ResultError;
use Rustbox\Mindbox\Loyalty\CheckoutField;
use Rustbox\Mindbox\Mindbox;

/**
 * Loyalty processing through the real extension to the emulator, which calculates carts as Mindbox does: Mindbox's
 * promotions, promo codes typed into Bitrix's coupon field and points reach every line of the checkout through the
 * discount engine; the order is confirmed in Mindbox once, before Bitrix saves it; a price Mindbox no longer stands by
 * stops the save; Mindbox down costs the discounts, not the order, which reaches Mindbox as an offline order.
 */
final class LoyaltyProcessingTest extends EndToEndTestCase
{
    private const DELIVERY = 300.0;
    private int $userId = 0;

    protected function setUp(): void
    {
        parent::setUp();
        $this->shop->configure(['loyalty_enabled' => 'Y', 'loyalty_mode' => 'processing', 'balance_timeout' => '1']);
        $this->userId = (int)(new \CUser())->Add(['LOGIN' => 'anna', 'EMAIL' => 'anna@example.com']);
        self::$emulator->loyalty([
            'promotions' => [['id' => 'ONE-OFF', 'name' => '10% off one unit', 'percent' => 10, 'products' => ['SKU-1'], 'maxQuantityPerLine' => 1]],
            'promoCodes' => [['code' => 'WELCOME', 'amount' => 100], ['code' => 'SPENT', 'percent' => 5, 'used' => true]],
            'balances' => ["websiteID:{$this->userId}" => 500.0],
            'maxPointsPercent' => 50,
        ]);
        $this->shop->logIn($this->userId);
        // Three units of SKU-1: Mindbox discounts one and splits the line. A single unit takes any kopeck.
        $this->shop->fillCart([[1, 'SKU-1', 3, 333.33, 0.0], [2, 'SKU-2', 2, 1000.0, 0.0], [3, 'SKU-3', 1, 499.99, 0.0]]);
    }


    /** What Mindbox calculates for the body of the checkout's last calculation (the emulator has no side effects there). */
    private function lastCalculation(): array
    {
        $calls = self::$emulator->journal(['operation' => 'Website.CalculateAuthorizedCart']);
        $this->assertNotEmpty($calls);
        return Mindbox::balanceClient('s1')->call('Website.CalculateAuthorizedCart', end($calls)['body']);
    }

    private function balance(): float
    {
        return Mindbox::balanceClient('s1')->getCustomerBalance(['ids' => ['websiteID' => (string)$this->userId]]);
    }

    private static function kopecks(float|int|string $money): int
    {
        return (int)round((float)$money * 100);
    }

    public function testMindboxPricesPromoCodesAndPointsAreWhatTheBuyerSeesPaysAndMindboxConfirmsOnce(): void
    {
        DiscountCouponsManager::add('WELCOME');
        DiscountCouponsManager::add('NOPE');
        DiscountCouponsManager::add('SPENT');

        $shown = $this->checkoutHit('200', false, self::DELIVERY)['result']['JS_DATA'];
        $calculated = $this->lastCalculation();

        $this->assertSame('Calculated', $calculated['order']['processingStatus']);
        $this->assertSame(self::kopecks($calculated['order']['totalPrice']), self::kopecks($shown['TOTAL']['ORDER_PRICE']), 'the subtotal is Mindbox\'s');
        $rows = array_column($shown['GRID']['ROWS'], 'data');
        $this->assertSame(self::kopecks($shown['TOTAL']['ORDER_PRICE']), array_sum(array_map(static fn ($r) => self::kopecks($r['SUM_NUM']), $rows)));
        $this->assertSame(self::kopecks($shown['TOTAL']['ORDER_PRICE']) + self::kopecks(self::DELIVERY), self::kopecks($shown['TOTAL']['ORDER_TOTAL_PRICE']));
        $this->assertCount(4, $calculated['order']['lines'], 'Mindbox split the line of SKU-1');
        $field = $shown[CheckoutField::JS_DATA_KEY];
        $this->assertSame([200.0, 500.0, ''], [$field['SPENT'], $field['BALANCE'], $field['MESSAGE']]);
        $coupons = array_column($shown['COUPON_LIST'], null, 'COUPON');
        $this->assertSame(['APPLIED', 'Promo code applied'], [$coupons['WELCOME']['JS_STATUS'], $coupons['WELCOME']['STATUS_TEXT']]);
        $this->assertSame(['BAD', 'There is no such promo code'], [$coupons['NOPE']['JS_STATUS'], $coupons['NOPE']['STATUS_TEXT']]);
        $this->assertSame(['BAD', 'This promo code has already been used'], [$coupons['SPENT']['JS_STATUS'], $coupons['SPENT']['STATUS_TEXT']]);

        ['order' => $order, 'result' => $result] = $this->checkoutHit('200', true, self::DELIVERY);

        $this->assertSame([], $result['ERROR']);
        $this->assertGreaterThan(0, $order->getId());
        $saved = Order::load($order->getId());
        $this->assertSame(self::kopecks($shown['TOTAL']['ORDER_TOTAL_PRICE']), self::kopecks($saved->getPrice()), 'saved as shown');
        $this->assertSame([self::kopecks($saved->getPrice())], array_map(static fn ($p) => self::kopecks($p->getSum()), iterator_to_array($saved->getPaymentCollection())));
        [$created] = self::$emulator->journal(['operation' => 'Website.CreateAuthorizedOrder']);
        $this->assertSame('processed', $created['outcome']);
        $this->assertSame(self::kopecks($calculated['order']['totalPrice']), self::kopecks($created['body']['order']['totalPrice']));
        $this->assertSame([['amount' => 200]], array_map(static fn ($b) => ['amount' => (int)$b['amount']], $created['body']['order']['bonusPoints']));
        $this->assertSame(['WELCOME', 'NOPE', 'SPENT'], array_column(array_column($created['body']['order']['coupons'], 'ids'), 'code'));
        $this->assertSame(array_column($calculated['order']['lines'], 'lineNumber'), array_column($created['body']['order']['lines'], 'lineNumber'), 'split lines keep Mindbox\'s numbers');
        $this->assertEqualsWithDelta(300.0, $this->balance(), 0.001, 'the points are spent once');

        // Once saved, the order's own id joins the temporary one; no second creation.
        $linked = array_values(array_filter($this->delivered(), static fn ($e) => $e['operation'] === 'Website.UpdateOrder'));
        $this->assertCount(1, $linked);
        $this->assertSame($created['body']['order']['ids']['websiteTempID'], $linked[0]['body']['order']['ids']['websiteTempID']);
        $this->assertSame((string)$order->getId(), $linked[0]['body']['order']['ids']['websiteID']);
        $this->assertSame([], self::$emulator->journal(['operation' => 'Website.CreateOrder']));
    }

    public function testAPriceMindboxNoLongerStandsByStopsTheSaveAndTheNextTryUsesTheNewPrice(): void
    {
        // Between the calculation and the confirmation of the "place order" hit, the marketer changes the promotion.
        EventManager::getInstance()->addEventHandler('sale', 'OnSaleOrderBeforeSaved', static function () {
            static $changed = false;
            if (!$changed) {
                $changed = true;
                self::$emulator->loyalty(['promotions' => [['id' => 'ONE-OFF', 'name' => 'now 20%', 'percent' => 20, 'products' => ['SKU-1'], 'maxQuantityPerLine' => 1]]]);
            }
        }, false, 10);

        $this->checkoutHit('', false, self::DELIVERY);
        ['order' => $refused, 'result' => $result] = $this->checkoutHit('', true, self::DELIVERY);

        $this->assertSame(0, $refused->getId(), 'not saved');
        $this->assertSame(['The prices of your order have just changed. Please look at the order again and place it once more.'], $result['ERROR']);
        $this->assertCount(1, self::$emulator->journal(['operation' => 'Website.CreateAuthorizedOrder']), 'Mindbox was asked, and refused the old price');

        ['order' => $order, 'result' => $result] = $this->checkoutHit('', true, self::DELIVERY);
        $this->assertSame([], $result['ERROR']);
        $this->assertGreaterThan(0, $order->getId());
        $this->assertSame(self::kopecks($this->lastCalculation()['order']['totalPrice']) + self::kopecks(self::DELIVERY), self::kopecks($order->getPrice()), 'the new price');
    }

    public function testASaveAShopHandlerRefusesIsNeverConfirmedInMindbox(): void
    {
        $refuse = true;
        EventManager::getInstance()->addEventHandler('sale', 'OnSaleOrderBeforeSaved', static function () use (&$refuse) {
            if ($refuse) {
                $refuse = false;
                return new EventResult(EventResult::ERROR, new ResultError('the warehouse is closed'), 'sale');
            }
            return null;
        }, false, 5000);

        $this->assertSame(['the warehouse is closed'], $this->checkoutHit('200', true, self::DELIVERY)['result']['ERROR']);
        $this->assertSame([], self::$emulator->journal(['operation' => 'Website.CreateAuthorizedOrder']), 'the module\'s handler runs last and sees the refusal');
        ['order' => $order] = $this->checkoutHit('200', true, self::DELIVERY);

        $this->assertGreaterThan(0, $order->getId());
        $this->assertSame(['processed'], array_column(self::$emulator->journal(['operation' => 'Website.CreateAuthorizedOrder']), 'outcome'));
        $this->assertEqualsWithDelta(300.0, $this->balance(), 0.001, 'spent once');
    }

    public function testWithMindboxNotAnsweringCheckoutGoesOnAtBitrixPricesAndTheOrderIsSentOffline(): void
    {
        self::$emulator->faults(['rules' => [['kind' => 'hang', 'operation' => 'Website.CalculateAuthorizedCart']]]);

        $started = microtime(true);
        $shown = $this->checkoutHit('200', false, self::DELIVERY)['result']['JS_DATA'];
        $refreshSeconds = microtime(true) - $started;
        $started = microtime(true);
        ['order' => $order, 'result' => $result] = $this->checkoutHit('200', true, self::DELIVERY);
        $placeSeconds = microtime(true) - $started;

        $this->assertLessThan(1.0 + 0.5, $refreshSeconds, 'the calculation\'s timeout, and no more');
        $this->assertLessThan(0.5, $placeSeconds, 'the breaker is open: no second wait');
        $this->assertCount(1, self::$emulator->journal(['operation' => 'Website.CalculateAuthorizedCart']));
        $this->assertSame(3499.98, $shown['TOTAL']['ORDER_PRICE'], 'Bitrix\'s own prices');
        $this->assertFalse($shown[CheckoutField::JS_DATA_KEY]['AVAILABLE']);
        $this->assertStringStartsWith('Points are unavailable right now', $shown[CheckoutField::JS_DATA_KEY]['MESSAGE']);
        $this->assertSame([], $result['ERROR']);
        $this->assertGreaterThan(0, $order->getId());
        $this->assertSame([], self::$emulator->journal(['operation' => 'Website.CreateAuthorizedOrder']));

        self::$emulator->clearFaults();
        \CEventLog::fakeReset();
        $offline = array_values(array_filter($this->delivered(), static fn ($e) => $e['operation'] === 'Website.SaveOfflineOrder'));
        $this->assertCount(1, $offline);
        $this->assertSame((string)$order->getId(), $offline[0]['body']['order']['ids']['websiteID']);
        $this->assertSame(self::kopecks($order->getPrice()), self::kopecks($offline[0]['body']['order']['totalPrice']));
        $this->assertMatchesRegularExpression('/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/', $offline[0]['body']['executionDateTimeUtc']);
    }

    public function testAGuestGetsMindboxPromotionsAndPromoCodesButNoPointsField(): void
    {
        $GLOBALS['USER']->Logout();
        DiscountCouponsManager::add('WELCOME');

        $shown = $this->checkoutHit('200', false, self::DELIVERY)['result']['JS_DATA'];
        ['order' => $order, 'result' => $result] = $this->checkoutHit('200', true, self::DELIVERY);

        $calculations = self::$emulator->journal(['operation' => 'Website.CalculateUnauthorizedCart']);
        $this->assertNotEmpty($calculations);
        $this->assertArrayNotHasKey('customer', $calculations[0]['body']);
        $this->assertArrayNotHasKey('bonusPoints', $calculations[0]['body']['order'], 'a guest has no points to spend');
        $this->assertArrayNotHasKey(CheckoutField::JS_DATA_KEY, $shown);
        $this->assertSame('APPLIED', array_column($shown['COUPON_LIST'], null, 'COUPON')['WELCOME']['JS_STATUS']);
        $this->assertLessThan(self::kopecks(3499.98), self::kopecks($shown['TOTAL']['ORDER_PRICE']), 'Mindbox\'s promotion and code');
        $this->assertSame([], $result['ERROR']);
        [$created] = self::$emulator->journal(['operation' => 'Website.CreateUnauthorizedOrder']);
        $this->assertSame('processed', $created['outcome']);
        $this->assertSame(self::kopecks($shown['TOTAL']['ORDER_TOTAL_PRICE']), self::kopecks($order->getPrice()));
    }
}
