<?php

namespace Rustbox\Mindbox\Loyalty;

use Rustbox\Mindbox\Support\Kopecks;

/**
 * Mindbox's answer to a cart calculation, checked before any of it touches a price. A line priced below zero or above
 * what it cost, a price that is no finite number ("NaN", "1e400", null, an array), a line the cart does not have or a
 * line left out, more points than the buyer asked for, or a total that is not the sum of the lines: each would let
 * the checkout charge what Mindbox never calculated, so any of them makes the whole answer unusable.
 */
final class CalculationAnswer
{
    /**
     * @param array<string, int> $totals kopecks each line costs after Mindbox, by basket code
     * @param array<string, int> $points kopecks of points spent on each line
     */
    private function __construct(
        public readonly array $totals,
        public readonly array $points,
        public readonly int $total,
        public readonly ?int $available,
        public readonly ?int $balance,
    ) {
    }

    /**
     * @param array $request the calculation's body, whose lines say what each line cost before Mindbox
     * @throws \UnexpectedValueException naming the first thing that is wrong
     */
    public static function check(array $request, mixed $answer): self
    {
        $order = is_array($answer) ? ($answer['order'] ?? null) : null;
        if (!is_array($order)) {
            throw new \UnexpectedValueException('the answer has no order');
        }
        $status = $order['processingStatus'] ?? null;
        if ($status !== 'Calculated') {
            throw new \UnexpectedValueException(sprintf('order.processingStatus is %s, not Calculated', is_string($status) ? $status : 'missing'));
        }
        $lines = $order['lines'] ?? null;
        if (!is_array($lines) || !array_is_list($lines)) {
            throw new \UnexpectedValueException('order.lines is not a list');
        }
        $costs = self::costs($request);
        $totals = [];
        $points = [];
        foreach ($lines as $i => $line) {
            $path = "order.lines[$i]";
            $code = is_array($line) && (is_string($line['lineId'] ?? null) || is_int($line['lineId'] ?? null)) ? (string)$line['lineId'] : null;
            if ($code === null || !isset($costs[$code])) {
                throw new \UnexpectedValueException("$path.lineId names no line of the cart");
            }
            $price = Kopecks::parse($line['discountedPriceOfLine'] ?? null);
            if ($price === null || $price < 0) {
                throw new \UnexpectedValueException("$path.discountedPriceOfLine is not a non-negative finite amount");
            }
            $totals[$code] = ($totals[$code] ?? 0) + $price;
            if ($totals[$code] > $costs[$code]) {
                throw new \UnexpectedValueException("$path: line $code costs more after Mindbox than before");
            }
            $points[$code] = ($points[$code] ?? 0) + self::pointsOf($line, $path);
        }
        if (($missing = array_diff_key($costs, $totals)) !== []) {
            throw new \UnexpectedValueException('order.lines leaves out line ' . array_key_first($missing));
        }
        $asked = Kopecks::parse($request['order']['bonusPoints'][0]['amount'] ?? 0) ?? 0;
        if (array_sum($points) > $asked) {
            throw new \UnexpectedValueException('Mindbox spent more points than the buyer asked for');
        }
        $total = Kopecks::parse($order['totalPrice'] ?? null);
        if ($total !== array_sum($totals)) {
            throw new \UnexpectedValueException('order.totalPrice is not the sum of the lines');
        }
        $info = is_array($order['totalBonusPointsInfo'] ?? null) ? $order['totalBonusPointsInfo'] : [];
        return new self(
            $totals,
            array_filter($points),
            $total,
            self::amountOrNull($info['availableAmountForCurrentOrder'] ?? null),
            self::amountOrNull(is_array($info['balance'] ?? null) ? ($info['balance']['available'] ?? null) : null),
        );
    }

    /** @return array<string, int> what each line of the request cost before Mindbox, in kopecks */
    public static function costs(array $request): array
    {
        $costs = [];
        foreach ($request['order']['lines'] ?? [] as $line) {
            $costs[(string)$line['lineId']] = ($costs[(string)$line['lineId']] ?? 0) + Kopecks::fromMoney((float)$line['quantity'] * (float)$line['basePricePerItem']);
        }
        return $costs;
    }

    private static function pointsOf(array $line, string $path): int
    {
        $promotions = $line['appliedPromotions'] ?? [];
        if (!is_array($promotions)) {
            throw new \UnexpectedValueException("$path.appliedPromotions is not a list");
        }
        $spent = 0;
        foreach ($promotions as $j => $promotion) {
            if (!is_array($promotion) || ($promotion['type'] ?? '') !== 'spentBonusPoints') {
                continue;
            }
            $amount = Kopecks::parse($promotion['amount'] ?? null);
            if ($amount === null || $amount < 0) {
                throw new \UnexpectedValueException("$path.appliedPromotions[$j].amount is not a non-negative finite amount");
            }
            $spent += $amount;
        }
        return $spent;
    }

    /** Amounts that only inform the buyer: one Mindbox got wrong is not said, rather than shown wrong. */
    private static function amountOrNull(mixed $money): ?int
    {
        $kopecks = Kopecks::parse($money);
        return $kopecks !== null && $kopecks >= 0 ? $kopecks : null;
    }
}
