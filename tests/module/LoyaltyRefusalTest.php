<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\EventManager;
use Bitrix\Main\EventResult;
use Bitrix\Sale\DiscountCouponsManager;
use Bitrix\Sale\ResultError;
use Rustbox\Mindbox\Loyalty\Breaker;
use Rustbox\Mindbox\Loyalty\CheckoutField;
use Rustbox\Mindbox\Loyalty\ProcessedOrder;
use Rustbox\Mindbox\Mindbox;

/**
 * Loyalty processing when Mindbox does not simply confirm: a refusal, an unknown answer, no answer, a save that does
 * not follow the confirmation, a calculation that cannot be used. Whatever happens, a discount from Mindbox is in a
 * saved order only if Mindbox confirmed exactly that order, and nothing stays spent in Mindbox for an order the shop
 * does not have. Through the real extension to the emulator, whose ledger says what Mindbox spent.
 */
final class LoyaltyRefusalTest extends EndToEndTestCase
{
    private const BITRIX_PRICES = 3499.98;
    private int $userId = 0;

    protected function setUp(): void
    {
        parent::setUp();
        $this->shop->configure(['loyalty_enabled' => 'Y', 'loyalty_mode' => 'processing', 'balance_timeout' => '1']);
        $this->userId = (int)(new \CUser())->Add(['LOGIN' => 'anna', 'EMAIL' => 'anna@example.com']);
        self::$emulator->loyalty([
            'promoCodes' => [['code' => 'ONCE', 'amount' => 100, 'once' => true]],
            'balances' => ["websiteID:{$this->userId}" => 500.0],
            'maxPointsPercent' => 50,
        ]);
        $this->shop->logIn($this->userId);
        $this->shop->fillCart([[1, 'SKU-1', 3, 333.33, 0.0], [2, 'SKU-2', 2, 1000.0, 0.0], [3, 'SKU-3', 1, 499.99, 0.0]]);
        DiscountCouponsManager::add('ONCE');
    }


    private function balance(): float
    {
        return (float)self::$emulator->ledger()['balances']["websiteID:{$this->userId}"];
    }

    /** Orders Mindbox holds as placed (not cancelled) with its discounts. */
    private function activeProcessedOrders(): array
    {
        return array_values(array_filter(self::$emulator->ledger()['orders'], static fn (array $o) => $o['kind'] === 'processed' && $o['status'] === 'active'));
    }

    /** Delivers the outbox, its delayed items too once due. */
    private function deliverAll(float $seconds = 0.0): void
    {
        if ($seconds > 0) {
            usleep((int)($seconds * 1e6));
        }
        Mindbox::client('s1')->flush(5.0);
    }

    /** @return list<string> the error of a place-order hit that refused, then the next hit's field and total */
    private function refusedThenAtBitrixPrices(string $points): array
    {
        ['order' => $refused, 'result' => $result] = $this->checkoutHit($points, true);
        $this->assertSame(0, $refused->getId(), 'not saved');
        $next = $this->checkoutHit($points)['result']['JS_DATA'];
        $this->assertSame(self::BITRIX_PRICES, $next['TOTAL']['ORDER_PRICE'], 'the same cart, now at Bitrix\'s prices');
        $this->assertSame(0.0, $next[CheckoutField::JS_DATA_KEY]['SPENT']);
        return [implode(' ', $result['ERROR']), $next[CheckoutField::JS_DATA_KEY]['MESSAGE']];
    }

    private function placeAtBitrixPricesAndCheckNothingSpent(string $points): void
    {
        ['order' => $order, 'result' => $result] = $this->checkoutHit($points, true);
        $this->assertSame([], $result['ERROR']);
        $this->assertSame(self::BITRIX_PRICES, $order->getPrice(), 'saved without Mindbox\'s discounts');
        $this->deliverAll();
        $offline = self::$emulator->journal(['operation' => 'Website.SaveOfflineOrder']);
        $this->assertCount(1, $offline);
        $this->assertArrayNotHasKey('bonusPoints', $offline[0]['body']['order']);
        $this->assertSame(500.0, $this->balance(), 'nothing spent');
        $this->assertSame([], $this->activeProcessedOrders());
    }

    public function testAValidationErrorOfTheConfirmationStopsTheSaveAndTheSameCartGoesOnAtBitrixPrices(): void
    {
        self::$emulator->script('Website.CreateAuthorizedOrder', ['status' => 'ValidationError', 'validationMessages' => [['message' => 'no', 'location' => '/order']]]);

        $shown = $this->checkoutHit('200')['result']['JS_DATA'];
        $this->assertLessThan(self::BITRIX_PRICES - 299, $shown['TOTAL']['ORDER_PRICE'], 'the code and the points were shown');
        [$error, $field] = $this->refusedThenAtBitrixPrices('200');

        $this->assertStringStartsWith('The loyalty programme could not confirm the discounts of your order', $error);
        $this->assertStringStartsWith('The loyalty programme did not confirm the discounts', $field);
        $this->placeAtBitrixPricesAndCheckNothingSpent('200');
        $this->assertCount(1, self::$emulator->journal(['operation' => 'Website.CreateAuthorizedOrder']), 'asked once, not again for the same cart');
    }

    public function testAProtocolErrorOfTheConfirmationIsARefusalToo(): void
    {
        self::$emulator->faults(['rules' => [['kind' => 'status', 'status' => 400, 'operation' => 'Website.CreateAuthorizedOrder']]]);

        $this->checkoutHit('200');
        $this->refusedThenAtBitrixPrices('200');
        self::$emulator->clearFaults();
        $this->placeAtBitrixPricesAndCheckNothingSpent('200');
        $this->assertFalse(Breaker::isOpen(Mindbox::settings('s1')), 'a refusal is no outage');
    }

    public function testAnUnknownProcessingStatusIsNoConfirmationAndIsCancelledInCaseMindboxSpent(): void
    {
        self::$emulator->script('Website.CreateAuthorizedOrder', ['status' => 'Success', 'order' => ['processingStatus' => 'NotProcessed']]);

        $this->checkoutHit('200');
        $this->refusedThenAtBitrixPrices('200');
        $this->placeAtBitrixPricesAndCheckNothingSpent('200');
        $cancelled = array_values(array_filter(self::$emulator->journal(['operation' => 'Website.UpdateOrder']), static fn (array $e) => isset($e['body']['orderLinesStatus'])));
        $this->assertCount(1, $cancelled, 'cancelled at once, not after unsaved_cancel_seconds');
        $this->assertSame('Cancelled', $cancelled[0]['body']['orderLinesStatus']);
        $this->assertArrayHasKey('websiteTempID', $cancelled[0]['body']['order']['ids']);
    }

    public function testAConfirmationNotAnsweredInTimeIsCancelledAndTheOrderIsPlacedAtBitrixPrices(): void
    {
        $this->checkoutHit('200');
        self::$emulator->faults(['rules' => [['kind' => 'hang', 'operation' => 'Website.CreateAuthorizedOrder']]]);
        [$error] = $this->refusedThenAtBitrixPrices('200');
        self::$emulator->clearFaults();

        $this->assertStringStartsWith('The loyalty programme could not confirm', $error);
        $this->placeAtBitrixPricesAndCheckNothingSpent('200');
    }

    public function testAConfirmedOrderWhoseSaveALaterCheckRefusesIsCancelledAndTheNextOrderSpendsOnlyItsOwnPoints(): void
    {
        $refuse = true;
        // Runs after the module's confirmation, as the core's own checks after OnSaleOrderBeforeSaved do.
        EventManager::getInstance()->addEventHandler('sale', 'OnSaleOrderBeforeSaved', static function () use (&$refuse) {
            if ($refuse) {
                $refuse = false;
                return new EventResult(EventResult::ERROR, new ResultError('the warehouse is closed'), 'sale');
            }
            return null;
        }, false, 200000);

        $this->checkoutHit('200');
        $this->assertSame(['the warehouse is closed'], $this->checkoutHit('200', true)['result']['ERROR']);
        $this->assertSame(300.0, $this->balance(), 'Mindbox confirmed and spent the points');
        ProcessedOrder::cancelUnsaved(); // what PHP runs at the end of the hit (register_shutdown_function)
        $this->deliverAll();
        $this->assertSame(500.0, $this->balance(), 'the orphan confirmation cancelled: points back');
        $this->assertSame([], $this->activeProcessedOrders());

        $this->checkoutHit('100');
        ['order' => $order, 'result' => $result] = $this->checkoutHit('100', true);
        $this->assertSame([], $result['ERROR']);
        $this->deliverAll();
        $this->assertSame(400.0, $this->balance(), '500 - 100, not 500 - 200 - 100');
        [$active] = $this->activeProcessedOrders();
        $this->assertSame((string)$order->getId(), $active['ids']['websiteID'], 'the order Mindbox keeps is the saved one');
        $this->assertSame(['ONCE'], $active['promoCodes'], 'the single-use code, freed by the cancellation, used by the saved order');
    }

    public function testAHitThatDiesBetweenConfirmationAndSaveLeavesACancellationThatGoesOutLater(): void
    {
        $this->shop->configure(['unsaved_cancel_seconds' => '1']);
        EventManager::getInstance()->addEventHandler('sale', 'OnSaleOrderBeforeSaved', static fn () => new EventResult(EventResult::ERROR, new ResultError('killed'), 'sale'), false, 200000);

        $this->checkoutHit('200');
        $this->checkoutHit('200', true);
        // The hit dies here: no shutdown function runs, the next hit knows nothing of it.
        $this->shop->visit();
        $this->deliverAll();
        $this->assertSame(300.0, $this->balance(), 'spent while the cancellation waits');

        $this->deliverAll(1.2);
        $this->assertSame(500.0, $this->balance());
        $this->assertSame([], $this->activeProcessedOrders());
    }

    public function testASavedOrderWithdrawsItsCancellation(): void
    {
        $this->shop->configure(['unsaved_cancel_seconds' => '1']);
        $this->checkoutHit('200');
        ['order' => $order] = $this->checkoutHit('200', true);

        $this->deliverAll(1.2);
        $this->assertGreaterThan(0, $order->getId());
        $this->assertSame(300.0, $this->balance(), 'spent, and not given back: the save withdrew the cancellation');
        $this->assertCount(1, $this->activeProcessedOrders());
        $this->assertSame(0, Mindbox::client('s1')->outboxStats()['pending']);
    }

    /** @return iterable<string, array{mixed}> */
    public static function unusablePrices(): iterable
    {
        yield 'missing' => [null];
        yield 'null' => ['null'];
        yield 'NaN' => ['NaN'];
        yield 'too large' => ['1e400'];
        yield 'negative' => [-5];
        yield 'an array' => [[1]];
        yield 'more than the line cost' => [5000];
    }

    /**
     * @dataProvider unusablePrices
     */
    public function testACalculationThatCannotBeUsedIsDroppedWholeAndBitrixPricesStay(mixed $price): void
    {
        $lines = [
            ['lineId' => '1', 'lineNumber' => 1, 'quantity' => 3, 'discountedPriceOfLine' => 999.99],
            ['lineId' => '2', 'lineNumber' => 2, 'quantity' => 2, 'discountedPriceOfLine' => 1500.0],
            ['lineId' => '3', 'lineNumber' => 3, 'quantity' => 1],
        ];
        if ($price !== null) {
            $lines[2]['discountedPriceOfLine'] = $price === 'null' ? null : $price;
        }
        self::$emulator->script('Website.CalculateAuthorizedCart', ['status' => 'Success', 'order' => ['processingStatus' => 'Calculated', 'totalPrice' => 2499.99, 'lines' => $lines]]);

        $shown = $this->checkoutHit('')['result']['JS_DATA'];

        $this->assertSame(self::BITRIX_PRICES, $shown['TOTAL']['ORDER_PRICE'], 'no line is free, none costs more');
        $this->assertSame(array_fill(0, 1, 'WARNING'), array_column(\CEventLog::fakeEntries(), 'SEVERITY'));
        $this->assertStringContainsString('calculation was not used', \CEventLog::fakeEntries()[0]['DESCRIPTION']);
        $this->assertCount(1, self::$emulator->journal(['operation' => 'Website.CalculateAuthorizedCart']), 'asked once for the hit');
        $this->assertFalse(Breaker::isOpen(Mindbox::settings('s1')));
    }

    public function testAnUnknownLineOrATotalThatDoesNotAddUpDropsTheCalculation(): void
    {
        $good = [
            ['lineId' => '1', 'quantity' => 3, 'discountedPriceOfLine' => 999.99],
            ['lineId' => '2', 'quantity' => 2, 'discountedPriceOfLine' => 1500.0],
            ['lineId' => '3', 'quantity' => 1, 'discountedPriceOfLine' => 499.99],
        ];
        foreach ([
            'unknown line' => ['totalPrice' => 2999.98, 'lines' => [...$good, ['lineId' => '99', 'quantity' => 1, 'discountedPriceOfLine' => 0]]],
            'total' => ['totalPrice' => 1.0, 'lines' => $good],
            'line left out' => ['totalPrice' => 2499.99, 'lines' => array_slice($good, 0, 2)],
        ] as $case => $order) {
            self::$emulator->script('Website.CalculateAuthorizedCart', ['status' => 'Success', 'order' => ['processingStatus' => 'Calculated'] + $order]);
            $this->assertSame(self::BITRIX_PRICES, $this->checkoutHit('')['result']['JS_DATA']['TOTAL']['ORDER_PRICE'], $case);
        }
        self::$emulator->script('Website.CalculateAuthorizedCart', ['status' => 'Success', 'order' => ['processingStatus' => 'Calculated', 'totalPrice' => 2999.98, 'lines' => $good]]);
        $this->assertSame(2999.98, $this->checkoutHit('')['result']['JS_DATA']['TOTAL']['ORDER_PRICE'], 'the same answer, well formed, is used');
    }

    public function testMindboxWordsOnAPromoCodeNeverReachThePageRaw(): void
    {
        self::$emulator->script('Website.CalculateAuthorizedCart', ['status' => 'Success', 'order' => [
            'processingStatus' => 'Calculated', 'totalPrice' => self::BITRIX_PRICES,
            'lines' => [
                ['lineId' => '1', 'quantity' => 3, 'discountedPriceOfLine' => 999.99],
                ['lineId' => '2', 'quantity' => 2, 'discountedPriceOfLine' => 2000.0],
                ['lineId' => '3', 'quantity' => 1, 'discountedPriceOfLine' => 499.99],
            ],
            'couponsInfo' => [['coupon' => ['ids' => ['code' => 'ONCE'], 'status' => '<img src=x onerror=alert(1)>']]],
        ]]);

        $coupons = array_column($this->checkoutHit('')['result']['JS_DATA']['COUPON_LIST'], null, 'COUPON');

        $this->assertSame('BAD', $coupons['ONCE']['JS_STATUS']);
        $this->assertSame('The promo code was not applied (?)', $coupons['ONCE']['STATUS_TEXT']);
        $this->assertSame($coupons['ONCE']['STATUS_TEXT'], $coupons['ONCE']['JS_CHECK_CODE']);
    }
}
