<?php

declare(strict_types=1);

/**
 * 8. The product feed, the module's generator end to end: FeedJob on the fake catalogue of the tests, at each size in
 * one run() and, at the largest size, in steps; each in a PHP process of its own (bench/feed_job.php).
 */

function run_feed_job_scenarios(array $config): void
{
    $sizes = $config['feedJobProducts'];
    foreach ($sizes as $products) {
        scenario("feed:job:$products", sprintf('product feed, FeedJob::run(), %s products', number_format($products)), static function () use ($config, $products) {
            return bench_feed_job($config, $products, null);
        });
    }
    $products = max($sizes);
    $step = $config['feedJobStepSeconds'];
    scenario("feed:job-steps:$products", sprintf('product feed, FeedJob in steps of %s s, %s products', $step, number_format($products)), static function () use ($config, $products, $step) {
        return bench_feed_job($config, $products, $step);
    });
}

/** @return array<string, mixed> bench/feed_job.php's figures and the headline */
function bench_feed_job(array $config, int $products, ?float $stepSeconds): array
{
    $r = worker('feed_job.php', ['products' => $products, 'seed' => 1, 'pageSize' => $config['feedJobPageSize'], 'stepSeconds' => $stepSeconds], true, 1800);
    return $r + ['headline' => sprintf(
        '%s offers in %.1f s (CPU %.1f s%s): %s offers/s; %d page(s); the run\'s own heap %+.1f MB, VmHWM %+.1f MB over the catalogue\'s %.0f MB; file %.1f MB',
        number_format($r['offers']),
        $r['seconds'],
        $r['cpuSeconds'],
        $stepSeconds === null ? '' : ", $r[steps] step(s)",
        number_format($r['rate']),
        $r['pages'],
        $r['runHeapBytes'] / 1e6,
        $r['runRssKiB'] * 1024 / 1e6,
        $r['catalogueHeapBytes'] / 1e6,
        $r['bytes'] / 1e6
    )];
}
