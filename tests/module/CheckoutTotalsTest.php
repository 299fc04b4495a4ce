<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Config\Option;
use Bitrix\Sale\Order;
use Bitrix\Sale\PriceMaths;
use Rustbox\Mindbox\Loyalty\Checkout;

/**
 * Shown = saved = paid = told: for carts of 1 to 50 lines with quantities above 1 and prices that do not divide, at
 * the shop's value_precision of 2 and of 4, what the checkout page shows (each line, the subtotal, the total), the
 * saved order, its payment and the order Mindbox is sent agree to the kopeck, and the points spent are the points
 * asked for or the amount the buyer was told.
 */
final class CheckoutTotalsTest extends ModuleTestCase
{
    private const DELIVERY = 349.99;

    protected function setUp(): void
    {
        parent::setUp();
        $this->shop->configure(['loyalty_enabled' => 'Y']);
        $this->balance = 1_000_000.0;
    }

    /** @return array<string, array{int, int, int, string}> precision, lines, seed, points asked for */
    public function carts(): array
    {
        $carts = [];
        foreach ([2, 4] as $precision) {
            foreach ([1, 2, 7, 50] as $lines) {
                foreach ([1, 2] as $seed) {
                    $points = ['100.01', '777.77'][$seed - 1];
                    $carts["precision $precision, $lines lines, cart $seed, $points points"] = [$precision, $lines, $seed, $points];
                }
            }
        }
        $carts['precision 2, 2 lines of 2 units, an odd kopeck'] = [2, -2, 0, '1.01'];
        return $carts;
    }

    /**
     * $lines < 0 is a hand-made cart of that many lines of 2 units each, which cannot take an odd kopeck.
     *
     * @return list<array{int, string, int, float, float}>
     */
    private static function cart(int $lines, int $seed): array
    {
        if ($lines < 0) {
            return array_map(static fn (int $i) => [$i, "SKU-$i", 2, 100.0, 0.0], range(1, -$lines));
        }
        mt_srand($seed * 1000 + $lines);
        $cart = [];
        for ($i = 1; $i <= $lines; $i++) {
            $price = mt_rand(1001, 300000) / 100 + [0, 0.33, 0.67, 0.99][mt_rand(0, 3)];
            $discount = mt_rand(0, 3) === 0 ? round($price * 0.07, 2) : 0.0;
            $cart[] = [$i, "SKU-$i", mt_rand(2, 7), round($price, 2), $discount];
        }
        return $cart;
    }

    /**
     * @dataProvider carts
     */
    public function testWhatIsShownIsWhatIsSavedPaidAndToldToTheKopeck(int $precision, int $lines, int $seed, string $points): void
    {
        Option::set('sale', 'value_precision', (string)$precision);
        PriceMaths::fakeReset();
        $userId = (int)(new \CUser())->Add(['LOGIN' => 'anna', 'EMAIL' => 'anna@example.com']);
        $this->shop->logIn($userId);
        $this->shop->fillCart(self::cart($lines, $seed));

        $before = $this->checkout('', false)['result']['JS_DATA']['TOTAL'];
        $shown = $this->checkout($points, false)['result']['JS_DATA'];
        ['order' => $placed] = $this->checkout($points, true);
        $saved = Order::load($placed->getId());

        // The page adds up: its lines make its subtotal, the subtotal and delivery its total.
        $rows = array_column($shown['GRID']['ROWS'], 'data');
        $this->assertSame(self::kopecks($shown['TOTAL']['ORDER_PRICE']), array_sum(array_map(static fn ($r) => self::kopecks($r['SUM_NUM']), $rows)), 'lines → subtotal');
        $this->assertSame(self::kopecks($shown['TOTAL']['ORDER_TOTAL_PRICE']), self::kopecks($shown['TOTAL']['ORDER_PRICE']) + self::kopecks(self::DELIVERY), 'subtotal + delivery → total');
        $this->assertSame(self::kopecks($shown['TOTAL']['ORDER_TOTAL_PRICE']), self::kopecks($shown['TOTAL']['ORDER_TOTAL_LEFT_TO_PAY']), 'the payment shown');

        // Shown = saved = paid.
        $this->assertSame(self::kopecks($shown['TOTAL']['ORDER_TOTAL_PRICE']), self::kopecks($saved->getPrice()));
        $savedLines = [];
        foreach ($saved->getBasket()->getBasketItems() as $item) {
            $savedLines[] = self::kopecks($item->getFinalPrice());
            $this->assertSame(0.0, fmod(round($item->getFinalPrice() * 10000), 100.0), 'a line costs whole kopecks');
        }
        $this->assertSame(array_map(static fn ($r) => self::kopecks($r['SUM_NUM']), array_values($rows)), $savedLines, 'each line as shown');
        $this->assertSame([self::kopecks($saved->getPrice())], array_map(static fn ($p) => self::kopecks($p->getSum()), iterator_to_array($saved->getPaymentCollection())), 'the payment pays the total');

        // The points: what was asked for, or what the buyer was told.
        $spent = self::kopecks($shown[\Rustbox\Mindbox\Loyalty\CheckoutField::JS_DATA_KEY]['SPENT']);
        $message = $shown[\Rustbox\Mindbox\Loyalty\CheckoutField::JS_DATA_KEY]['MESSAGE'];
        if ($spent !== self::kopecks((float)$points)) {
            $this->assertNotSame('', $message, 'fewer points than asked for, and the buyer is told');
            $this->assertStringContainsString(number_format($spent / 100, 2, '.', ' '), $message);
        } else {
            $this->assertSame('', $message);
        }
        $this->assertSame(self::kopecks($before['ORDER_TOTAL_PRICE']) - $spent, self::kopecks($saved->getPrice()), 'the total drops by the points spent');

        // Told: Mindbox's order has the saved total, lines that add up to it, and the points as balance discounts.
        [[, $body]] = $this->sentOf('createOrder');
        $this->assertSame(self::kopecks($saved->getPrice()), self::kopecks($body['order']['totalPrice']));
        $linesTold = 0;
        $pointsTold = 0;
        foreach ($body['order']['lines'] as $line) {
            $cost = (int)round($line['basePricePerItem'] * 100 * $line['quantity']);
            foreach ($line['discounts'] ?? [] as $discount) {
                $cost -= self::kopecks($discount['amount']);
                $pointsTold += $discount['type'] === 'balance' ? self::kopecks($discount['amount']) : 0;
            }
            $linesTold += $cost;
        }
        $this->assertSame(self::kopecks($saved->getPrice()) - self::kopecks(self::DELIVERY), $linesTold);
        $this->assertSame($spent, $pointsTold);
    }

    public function testTwoLinesOfTwoUnitsCannotTakeAnOddKopeckAndTheBuyerIsToldWhatWasSpent(): void
    {
        $this->shop->logIn((int)(new \CUser())->Add(['LOGIN' => 'anna', 'EMAIL' => 'anna@example.com']));
        $this->shop->fillCart(self::cart(-2, 0));

        $field = $this->checkout('1.01', false)['result']['JS_DATA'][\Rustbox\Mindbox\Loyalty\CheckoutField::JS_DATA_KEY];

        $this->assertSame(1.0, $field['SPENT']);
        $this->assertSame('The prices of this order\'s items can take 1.00 points to the kopeck, so 1.00 were used.', $field['MESSAGE']);
    }

    /** @return array{order: Order, result: array} */
    private function checkout(string $points, bool $placeOrder): array
    {
        $this->shop->visit(post: ['order' => [Checkout::FIELD => $points], 'via_ajax' => 'Y', 'soa-action' => $placeOrder ? 'saveOrderAjax' : 'refreshOrderAjax']);
        return $this->shop->checkout($placeOrder, self::DELIVERY);
    }

    private static function kopecks(float|int|string $money): int
    {
        return (int)round((float)$money * 100);
    }
}
