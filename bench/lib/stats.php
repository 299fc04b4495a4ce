<?php

declare(strict_types=1);

/** Statistics of samples and of receipt times. */

/**
 * Nearest-rank percentile of sorted values.
 *
 * @param list<float|int> $sorted
 */
function bench_percentile(array $sorted, float $q): float
{
    $n = count($sorted);
    if ($n === 0) {
        return NAN;
    }
    $rank = (int)max(1, (int)ceil($q * $n));
    return (float)$sorted[min($n, $rank) - 1];
}

/**
 * @param list<float|int> $values
 * @return array{n: int, median: float, p99: float, mean: float, min: float, max: float}
 */
function bench_stats(array $values): array
{
    sort($values);
    $n = count($values);
    return [
        'n' => $n,
        'median' => bench_percentile($values, 0.5),
        'p99' => bench_percentile($values, 0.99),
        'mean' => $n > 0 ? array_sum($values) / $n : NAN,
        'min' => $n > 0 ? (float)$values[0] : NAN,
        'max' => $n > 0 ? (float)$values[$n - 1] : NAN,
    ];
}

/**
 * The figures the results keep of a list of samples.
 *
 * @param list<float|int> $values
 * @return array{median: float, p99: float, mean: float, max: float, n: int}
 */
function bench_summary(array $values): array
{
    $s = bench_stats($values);
    return ['median' => $s['median'], 'p99' => $s['p99'], 'mean' => $s['mean'], 'max' => $s['max'], 'n' => $s['n']];
}

/**
 * Delivery rates over fixed windows of a sorted list of receipt times: the median window and
 * the slow tail (the rate that 99 % of the windows reach). Partial windows at the end are
 * left out.
 *
 * @param list<float> $times sorted unix seconds
 * @return array{overall: float, median: float, p99: float, windows: int, seconds: float}
 */
function bench_window_rates(array $times, float $window, ?float $from = null): array
{
    $n = count($times);
    if ($n < 2) {
        return ['overall' => NAN, 'median' => NAN, 'p99' => NAN, 'windows' => 0, 'seconds' => 0.0];
    }
    $start = $from ?? $times[0];
    $end = $times[$n - 1];
    $full = (int)floor(($end - $start) / $window);
    $counts = array_fill(0, max(1, $full), 0);
    foreach ($times as $t) {
        $k = (int)floor(($t - $start) / $window);
        if ($k >= 0 && $k < $full) {
            $counts[$k]++;
        }
    }
    $rates = array_map(static fn ($c) => $c / $window, $full > 0 ? $counts : [$n / max(1e-9, $end - $start)]);
    sort($rates);
    return [
        'overall' => $n / max(1e-9, $end - $start),
        'median' => bench_percentile($rates, 0.5),
        'p99' => bench_percentile($rates, 0.01),
        'windows' => $full,
        'seconds' => $end - $start,
    ];
}

/**
 * The most calls of one operation in any 60-second window: what Mindbox's per-minute limit
 * looks at.
 *
 * @param list<float> $times sorted unix seconds
 */
function bench_max_per_minute(array $times): int
{
    $best = 0;
    $lo = 0;
    $n = count($times);
    for ($hi = 0; $hi < $n; $hi++) {
        while ($times[$hi] - $times[$lo] >= 60.0) {
            $lo++;
        }
        $best = max($best, $hi - $lo + 1);
    }
    return $best;
}
