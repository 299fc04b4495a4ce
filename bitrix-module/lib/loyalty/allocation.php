<?php

namespace Rustbox\Mindbox\Loyalty;

/**
 * Points spread over an order's lines so that every line still costs whole kopecks and the lines take exactly the
 * points spent. A line's price is per unit, rounded by Bitrix to `value_precision` decimals, so a line of 3 units at
 * precision 2 can only drop by multiples of 3 kopecks (0.01 off each unit); at precision 4, by multiples of
 * 3 / gcd(3, 100) kopecks. The share of each line is first its proportional part rounded down to what it can take,
 * then the kopecks left are placed on the lines that can take them, moving whole steps between lines where that is
 * the only way (2 units and 3 units take 1 kopeck as +3 and −2). What no arrangement can place is not spent.
 */
final class Allocation
{
    /** How far the search for the last kopecks moves each line, in its steps. */
    private const MAX_MOVE = 3;

    /**
     * $points spread in proportion to what the lines cost.
     *
     * @param array<string, array{total: int, quantity: float}> $lines by basket code: what the line costs now, in
     *        kopecks, and its quantity
     * @param int $points kopecks to spend
     * @param int $precision the shop's `value_precision`
     * @return array<string, int> kopecks each line takes (lines that take none are left out)
     */
    public static function spread(array $lines, int $points, int $precision): array
    {
        $total = array_sum(array_map(static fn (array $l) => max(0, $l['total']), $lines));
        $targets = [];
        foreach ($lines as $code => $line) {
            $targets[$code] = $total > 0 ? intdiv($points * max(0, $line['total']), $total) : 0;
        }
        return self::fit($lines, $targets, $precision, $points);
    }

    /**
     * Each line's drop as close to its target as its step allows, adding up to $sum (the targets' sum by default)
     * wherever an arrangement can.
     *
     * @param array<string, array{total: int, quantity: float}> $lines
     * @param array<string, int> $targets kopecks each line should drop by
     * @return array<string, int>
     */
    public static function fit(array $lines, array $targets, int $precision, ?int $sum = null): array
    {
        $steps = [];
        $limits = [];
        $shares = [];
        foreach ($lines as $code => $line) {
            $steps[$code] = self::step($line['quantity'], $precision);
            $limits[$code] = $steps[$code] === null ? 0 : intdiv(max(0, $line['total']), $steps[$code]) * $steps[$code];
            $target = max(0, $targets[$code] ?? 0);
            $shares[$code] = $limits[$code] === 0 ? 0 : min($limits[$code], intdiv($target, $steps[$code]) * $steps[$code]);
        }
        $left = min($sum ?? array_sum(array_map(static fn (int $t) => max(0, $t), $targets)), array_sum($limits)) - array_sum($shares);
        if ($left > 0) {
            $shares = self::placeRest($shares, $steps, $limits, $left);
        }
        return array_filter($shares);
    }

    /**
     * The smallest drop of a line's total, in kopecks, that leaves its unit price on the precision's grid and the
     * line in whole kopecks; null when the quantity has more than 3 decimals.
     */
    public static function step(float $quantity, int $precision): ?int
    {
        $thousandths = (int)round($quantity * 1000);
        if ($thousandths <= 0 || abs($thousandths - $quantity * 1000) > 1e-6) {
            return null;
        }
        // quantity = a / b; a unit drop of d ticks (10^-precision) drops the line by d·a/b ticks, which must be a
        // whole number of kopecks: d·a divisible by b·10^(precision−2).
        $b = 1000;
        $a = $thousandths;
        $g = self::gcd($a, $b);
        [$a, $b] = [intdiv($a, $g), intdiv($b, $g)];
        $kopeckTicks = 10 ** max(0, $precision - 2);
        $unit = intdiv($b * $kopeckTicks, self::gcd($a, $b * $kopeckTicks));
        return intdiv($unit * $a, $b * $kopeckTicks) ?: null;
    }

    /**
     * Places $left kopecks: a search over moves of each line by −MAX_MOVE…+MAX_MOVE steps, within its limits, for
     * the moves that add up to exactly $left; when none does, the largest sum under it.
     */
    private static function placeRest(array $shares, array $steps, array $limits, int $left): array
    {
        // reachable sum => the moves that reach it, built line by line; sums are kept near the target
        $reach = [0 => []];
        $bound = $left + self::MAX_MOVE * max(array_filter($steps) ?: [1]);
        // From the last line back: the kopecks of rounding land on the last lines, as on a receipt.
        foreach (array_reverse($shares, true) as $code => $share) {
            if ($steps[$code] === null || $limits[$code] === 0) {
                continue;
            }
            $next = $reach;
            foreach ($reach as $sum => $moves) {
                for ($k = -self::MAX_MOVE; $k <= self::MAX_MOVE; $k++) {
                    $moved = $share + $k * $steps[$code];
                    $reached = $sum + $k * $steps[$code];
                    if ($k === 0 || $moved < 0 || $moved > $limits[$code] || abs($reached) > $bound || isset($next[$reached])) {
                        continue;
                    }
                    $next[$reached] = $moves + [$code => $k];
                }
            }
            $reach = $next;
            if (isset($reach[$left])) {
                break;
            }
        }
        $best = max(array_filter(array_keys($reach), static fn (int $sum) => $sum <= $left));
        foreach ($reach[$best] as $code => $k) {
            $shares[$code] += $k * $steps[$code];
        }
        return $shares;
    }

    private static function gcd(int $a, int $b): int
    {
        while ($b !== 0) {
            [$a, $b] = [$b, $a % $b];
        }
        return abs($a);
    }
}
