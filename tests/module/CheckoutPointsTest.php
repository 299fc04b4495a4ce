<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Sale\BasketItem;
use Bitrix\Sale\Order;
use Rustbox\Mindbox\Loyalty\Checkout;

/**
 * "Use points" in bitrix:sale.order.ajax: the module's handlers of the component's events, the points checked
 * against the balance and the order, spent on the lines to the kopeck, and the order sent to Mindbox with them.
 */
final class CheckoutPointsTest extends ModuleTestCase
{
    private const THREE_LINES = [[1, 'SKU-1', 1, 1000.0, 0.0], [2, 'SKU-2', 1, 1000.0, 0.0], [3, 'SKU-3', 1, 1000.0, 0.0]];

    protected function setUp(): void
    {
        parent::setUp();
        $this->shop->configure(['loyalty_enabled' => 'Y']);
    }

    /** A registered customer with $balance points, logged in, with $cart in the basket. */
    private function customer(float $balance, array $cart = self::THREE_LINES): int
    {
        $this->balance = $balance;
        $userId = (int)(new \CUser())->Add(['LOGIN' => 'anna', 'EMAIL' => 'anna@example.com']);
        $this->shop->logIn($userId);
        $this->shop->fillCart($cart);
        $this->calls = [];
        return $userId;
    }

    /**
     * A hit of the checkout page's AJAX with the field as typed: a recalculation, or the "place order" button.
     *
     * @return array{order: Order, result: array}
     */
    private function checkout(mixed $points, bool $placeOrder = false, float $delivery = 0.0): array
    {
        $this->shop->visit(post: ['order' => [Checkout::FIELD => $points], 'via_ajax' => 'Y', 'soa-action' => $placeOrder ? 'saveOrderAjax' : 'refreshOrderAjax']);
        return $this->shop->checkout($placeOrder, $delivery);
    }

    /** @return list<int> each line's discount in kopecks: what it costs at base price minus what it costs now */
    private static function lineDiscounts(Order $order): array
    {
        return array_map(
            static fn (BasketItem $i) => (int)round(($i->getBasePrice() * $i->getQuantity() - $i->getFinalPrice()) * 100),
            $order->getBasket()->getBasketItems()
        );
    }

    private static function kopecks(float $money): int
    {
        return (int)round($money * 100);
    }

    public function testHundredPointsOverThreeLinesOfAThousandAreSpentToTheKopeck(): void
    {
        $this->customer(500.0);
        $before = $this->checkout('', false, 300.0);
        ['order' => $order, 'result' => $result] = $this->checkout('100', false, 300.0);

        $this->assertSame([3333, 3333, 3334], self::lineDiscounts($order), '33.33, 33.33 and the rounding on the last line');
        $this->assertSame(0, $order->fakeShipmentChanges(), 'reading the lines moved none of them into another basket');
        $this->assertSame(10000, self::kopecks($before['order']->getPrice()) - self::kopecks($order->getPrice()), 'the order total drops by exactly 100.00');
        $this->assertSame(3200.0, $order->getPrice());
        $this->assertSame(3200.0, $result['JS_DATA']['TOTAL']['ORDER_TOTAL_PRICE'], 'the total shown is the order total');
        $this->assertSame(100.0, $result['JS_DATA']['TOTAL']['DISCOUNT_PRICE']);
        $this->assertSame([
            'FIELD' => 'RUSTBOX_MINDBOX_POINTS',
            'AVAILABLE' => true,
            'BALANCE' => 500.0,
            'BALANCE_FORMATTED' => '500.00',
            'REQUESTED' => '100',
            'SPENT' => 100.0,
            'MESSAGE' => '',
        ], $result['JS_DATA']['RUSTBOX_MINDBOX']);
    }

    public function testThePlacedOrderIsWhatTheCheckoutShowedAndMindboxGetsThePointsOnItsLines(): void
    {
        $userId = $this->customer(500.0);
        $shown = $this->checkout('100', false, 300.0)['result']['JS_DATA']['TOTAL']['ORDER_TOTAL_PRICE'];
        ['order' => $order] = $this->checkout('100', true, 300.0);

        $this->assertGreaterThan(0, $order->getId());
        $this->assertSame($shown, $order->getPrice());
        $this->assertSame($order->getPrice(), Order::load($order->getId())->getPrice(), 'as saved');
        $this->assertSame([3200.0], array_map(static fn ($p) => $p->getSum(), iterator_to_array($order->getPaymentCollection())), 'the payment follows the points');
        [[, $body, $options]] = $this->sentOf('createOrder');
        $this->assertSame(3200.0, $body['order']['totalPrice']);
        $this->assertSame(['websiteID' => (string)$userId], $body['customer']['ids']);
        $this->assertSame(
            [[['type' => 'balance', 'amount' => 33.33]], [['type' => 'balance', 'amount' => 33.33]], [['type' => 'balance', 'amount' => 33.34]]],
            array_column($body['order']['lines'], 'discounts')
        );
        $this->assertSame(1000.0, $body['order']['lines'][0]['basePricePerItem']);
        $this->assertArrayNotHasKey('bonusPoints', $body['order']);
        $this->assertMatchesRegularExpression('/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/', $options['transactionId']);
    }

    public function testPointsAreToldApartFromTheShopsOwnDiscountsAndQuantitiesKeepTheKopecks(): void
    {
        $this->shop->configure(['balance_type' => 'Bonus']);
        $this->customer(1000.0, [[10, 'SKU-10', 3, 1000.0, 100.0], [11, 'SKU-11', 1, 499.9, 0.0]]);
        ['order' => $order] = $this->checkout('100', true);

        // 84.37 of points over 3 units is no price in kopecks (the core rounds 871.8767 to 871.88), so that line takes
        // 84.36 and the kopeck left over goes to the next one: the 100.00 are spent exactly.
        $this->assertSame([38436, 1564], self::lineDiscounts($order), 'the shop\'s 300.00, plus 84.36 and 15.64 of points');
        $this->assertSame(3099.9, $order->getPrice());
        $lines = $this->sentOf('createOrder')[0][1]['order']['lines'];
        $this->assertSame([
            ['type' => 'externalPromoAction', 'externalPromoAction' => ['ids' => ['externalId' => 'bitrix-discount']], 'amount' => 300.0],
            ['type' => 'balance', 'amount' => 84.36, 'balanceType' => ['ids' => ['systemName' => 'Bonus']]],
        ], $lines[0]['discounts']);
        $this->assertSame([['type' => 'balance', 'amount' => 15.64, 'balanceType' => ['ids' => ['systemName' => 'Bonus']]]], $lines[1]['discounts']);
    }

    public function testAnUpdateOfTheOrderStillCarriesThePointsSpent(): void
    {
        $this->customer(500.0);
        ['order' => $order] = $this->checkout('100', true);
        $this->calls = [];

        $order->setField('PRICE_DELIVERY', 250.0);
        $order->save();

        [[$operation, $body]] = $this->sent();
        $this->assertSame('updateOrder', $operation);
        $this->assertSame([33.33, 33.33, 33.34], array_column(array_merge(...array_column($body['order']['lines'], 'discounts')), 'amount'));
        $this->assertSame(3150.0, $body['order']['totalPrice']);
    }

    public function testMoreThanTheBalanceIsClampedToTheBalanceWithAMessage(): void
    {
        $this->customer(40.5);
        ['order' => $order, 'result' => $result] = $this->checkout('100');

        $this->assertSame(2959.5, $order->getPrice());
        $this->assertSame(40.5, $result['JS_DATA']['RUSTBOX_MINDBOX']['SPENT']);
        $this->assertSame('You have 40.50 points, so 40.50 were used.', $result['JS_DATA']['RUSTBOX_MINDBOX']['MESSAGE']);
    }

    public function testMoreThanTheOrderIsClampedToTheLinesWithAMessageDeliveryIsNotPaidWithPoints(): void
    {
        $this->customer(500.0, [[1, 'SKU-1', 2, 25.0, 0.0]]);
        ['order' => $order, 'result' => $result] = $this->checkout('100', false, 300.0);

        $this->assertSame(300.0, $order->getPrice());
        $this->assertSame(0.0, $order->getBasket()->getPrice());
        $this->assertSame(50.0, $result['JS_DATA']['RUSTBOX_MINDBOX']['SPENT']);
        $this->assertSame('At most 50.00 points can be spent on this order, so 50.00 were used.', $result['JS_DATA']['RUSTBOX_MINDBOX']['MESSAGE']);
    }

    public function testWhenBothBindTheSmallerLimitIsTheOneNamed(): void
    {
        $this->customer(40.0, [[1, 'SKU-1', 1, 30.0, 0.0]]);
        $message = $this->checkout('100')['result']['JS_DATA']['RUSTBOX_MINDBOX']['MESSAGE'];
        $this->assertSame('At most 30.00 points can be spent on this order, so 30.00 were used.', $message);
    }

    public function testWholePointsProgrammesSpendWholePointsOnly(): void
    {
        $this->shop->configure(['points_decimals' => '0']);
        $this->customer(40.75);
        ['order' => $order, 'result' => $result] = $this->checkout('100');

        $this->assertSame(2960.0, $order->getPrice());
        $this->assertSame('You have 40 points, so 40 were used.', $result['JS_DATA']['RUSTBOX_MINDBOX']['MESSAGE']);
        $this->assertSame('40', $result['JS_DATA']['RUSTBOX_MINDBOX']['BALANCE_FORMATTED']);
        $this->assertSame('Points can only be spent in whole numbers. No points were used.', $this->checkout('10.5')['result']['JS_DATA']['RUSTBOX_MINDBOX']['MESSAGE']);
    }

    public static function badInputs(): array
    {
        return [
            'negative' => ['-5', 'The number of points cannot be negative. No points were used.'],
            'negative with a space' => ['- 5', 'The number of points cannot be negative. No points were used.'],
            'letters' => ['abc', 'Enter the number of points in digits, for example 150. No points were used.'],
            'a number with letters' => ['100 points', 'Enter the number of points in digits, for example 150. No points were used.'],
            'an exponent' => ['1e3', 'Enter the number of points in digits, for example 150. No points were used.'],
            'hexadecimal' => ['0x10', 'Enter the number of points in digits, for example 150. No points were used.'],
            'two decimal points' => ['1.2.3', 'Enter the number of points in digits, for example 150. No points were used.'],
            'an array' => [['100'], 'Enter the number of points in digits, for example 150. No points were used.'],
            'three decimals' => ['10.555', 'Points can have at most 2 decimal places. No points were used.'],
        ];
    }

    /** @dataProvider badInputs */
    public function testBadInputIsRefusedWithAMessageAndNeverApplied(mixed $input, string $message): void
    {
        $this->customer(5000.0);
        ['order' => $order, 'result' => $result] = $this->checkout($input, true);

        $this->assertSame(3000.0, $order->getPrice());
        $this->assertSame([0, 0, 0], self::lineDiscounts($order));
        $this->assertSame(0.0, $result['JS_DATA']['RUSTBOX_MINDBOX']['SPENT'] ?? 0.0);
        $this->assertSame(3000.0, $this->sentOf('createOrder')[0][1]['order']['totalPrice']);
        $this->assertArrayNotHasKey('discounts', $this->sentOf('createOrder')[0][1]['order']['lines'][0]);
        $this->assertSame($message, $this->checkout($input)['result']['JS_DATA']['RUSTBOX_MINDBOX']['MESSAGE']);
    }

    public static function goodInputs(): array
    {
        return [
            'empty' => ['', 0],
            'zero' => ['0', 0],
            'spaces around' => [' 100 ', 10000],
            'a decimal comma and a thousands space' => ['1 000,5', 100050],
            'a trailing point' => ['100.', 10000],
            'trailing zeros are no extra decimals' => ['10.500', 1050],
        ];
    }

    /** @dataProvider goodInputs */
    public function testWhatCustomersTypeIsReadAsTheyMeanIt(string $input, int $spent): void
    {
        $this->customer(5000.0);
        ['order' => $order, 'result' => $result] = $this->checkout($input);

        $this->assertSame(300000 - $spent, self::kopecks($order->getPrice()));
        $this->assertSame('', $result['JS_DATA']['RUSTBOX_MINDBOX']['MESSAGE']);
        $this->assertSame(trim($input), $result['JS_DATA']['RUSTBOX_MINDBOX']['REQUESTED']);
    }

    public function testMindboxDownCostsThePointsNotTheOrder(): void
    {
        $this->customer(500.0);
        $this->methodFailures['getCustomerBalance'] = new \MindboxUnavailableException('Mindbox did not answer within 2 s');

        $result = $this->checkout('100')['result'];
        ['order' => $order] = $this->checkout('100', true);

        $this->assertSame(['FIELD', 'AVAILABLE', 'BALANCE', 'BALANCE_FORMATTED', 'REQUESTED', 'SPENT', 'MESSAGE'], array_keys($result['JS_DATA']['RUSTBOX_MINDBOX']));
        $this->assertFalse($result['JS_DATA']['RUSTBOX_MINDBOX']['AVAILABLE']);
        $this->assertSame(
            'Points are unavailable right now: the loyalty programme does not answer. You can place the order without them.',
            $result['JS_DATA']['RUSTBOX_MINDBOX']['MESSAGE']
        );
        $this->assertGreaterThan(0, $order->getId());
        $this->assertSame(3000.0, $order->getPrice());
        $this->assertSame(3000.0, $this->sentOf('createOrder')[0][1]['order']['totalPrice']);
        $this->assertSame(['WARNING'], array_column(\CEventLog::fakeEntries(), 'SEVERITY'), 'a warning when it failed; the next hit found the breaker open and did not ask');
    }

    public function testAMisconfiguredBalanceIsAnErrorInTheEventLogAndTheOrderGoesThrough(): void
    {
        $this->customer(500.0);
        $this->methodFailures['getCustomerBalance'] = new \MindboxInvalidArgumentException('balanceType: the customer has several balances (Main2, Bonus); name the one to use');

        ['order' => $order] = $this->checkout('100', true);

        $this->assertSame(3000.0, $order->getPrice());
        $this->assertSame(['ERROR'], array_column(\CEventLog::fakeEntries(), 'SEVERITY'));
        $this->assertStringContainsString('several balances', $this->eventLogDescriptions()[0]);
    }

    public function testTheBalanceIsFreshForEveryHitAndAskedWithTheShortTimeout(): void
    {
        $this->shop->configure(['balance_timeout' => '1.5']);
        $userId = $this->customer(500.0);
        $this->checkout('100');
        $this->balance = 20.0;
        $result = $this->checkout('100')['result'];

        $this->assertSame(20.0, $result['JS_DATA']['RUSTBOX_MINDBOX']['SPENT'], 'the second hit asked again');
        $this->assertSame([[['ids' => ['websiteID' => (string)$userId]], null], [['ids' => ['websiteID' => (string)$userId]], null]], $this->callsOf('getCustomerBalance'));
        $this->assertSame([1.5], array_values(array_unique(array_column(array_filter($this->configs, static fn ($c) => $c['timeout'] !== 5.0), 'timeout'))));
    }

    public function testTheConfiguredBalanceTypeIsAskedFor(): void
    {
        $this->shop->configure(['balance_type' => 'Bonus']);
        $this->customer(500.0);
        $this->checkout('1');
        $this->assertSame('Bonus', $this->callsOf('getCustomerBalance')[0][1]);
    }

    public function testTheCheckoutPageGetsTheFieldWithoutEditingTheComponentsTemplate(): void
    {
        $this->customer(500.0);
        $this->shop->visit();
        $this->shop->checkout();

        $scripts = array_column(\Bitrix\Main\Page\Asset::getInstance()->fakeStrings(), 'string');
        $this->assertCount(1, $scripts);
        $this->assertStringContainsString('"field":"RUSTBOX_MINDBOX_POINTS"', $scripts[0]);
        $this->assertStringContainsString('"form":"bx-soa-order-form"', $scripts[0]);
        $this->assertStringContainsString('"label":"Pay with points"', $scripts[0]);
        $this->assertSame(1, substr_count($scripts[0], '</script>'), 'no value ends the script early');
    }

    public function testGuestsGetNoFieldAndNoCall(): void
    {
        $this->shop->fillCart(self::THREE_LINES);
        ['order' => $order, 'result' => $result] = $this->checkout('100');

        $this->assertArrayNotHasKey('RUSTBOX_MINDBOX', $result['JS_DATA']);
        $this->assertSame(3000.0, $order->getPrice());
        $this->assertSame([], $this->callsOf('getCustomerBalance'));
    }

    public function testShopsWithoutLoyaltyGetNoFieldAndNoCall(): void
    {
        $this->shop->configure(['loyalty_enabled' => 'N']);
        $this->customer(500.0);
        ['order' => $order, 'result' => $result] = $this->checkout('100');
        $this->assertArrayNotHasKey('RUSTBOX_MINDBOX', $result['JS_DATA']);
        $this->assertSame(3000.0, $order->getPrice());
        $this->assertSame([], $this->callsOf('getCustomerBalance'));
        $this->assertSame([], \Bitrix\Main\Page\Asset::getInstance()->fakeStrings());
    }

    public function testANonAjaxPostOfTheFieldCountsToo(): void
    {
        $this->customer(500.0);
        $this->shop->visit(post: [Checkout::FIELD => '10']);
        $this->assertSame(2990.0, $this->shop->checkout()['order']->getPrice());
    }
}
