<?php

declare(strict_types=1);

require_once dirname(__DIR__) . '/feed/canonical.php';
require_once __DIR__ . '/feedjob.php';

/**
 * 8. The product feed: the extension's writer against the official modules' DOM way and PHP's XMLWriter, then the
 * module's generator end to end (bench/run/feedjob.php).
 */

/**
 * The ways measured at each size, in this order, each in a PHP process of its own (bench/feed.php), all with the
 * extension loaded so that the processes differ in the way alone; "gen" makes the offers and writes nothing, the
 * cost the others share. The module's generator end to end reads its own catalogue and has scenarios of its own
 * (run_feed_job_scenarios()).
 */
const BENCH_FEED_WAYS = [
    'gen' => 'the generator alone',
    'ext' => 'MindboxFeedWriter',
    'dom' => 'DOMDocument, saved',
    'xmlwriter' => 'XMLWriter',
];

function run_feed_scenarios(array $config): void
{
    $ways = array_values(array_diff(array_keys(BENCH_FEED_WAYS), ['gen']));
    scenario('feed:check', sprintf('product feed: the %d ways write the same feed', count($ways)), static function () use ($config, $ways) {
        global $work;
        $n = $config['feedCheckOffers'];
        $paths = [];
        foreach ($ways as $way) {
            $paths[$way] = "$work/feed-check-$way.yml";
            bench_feed_worker($way, $n, $config, $paths[$way]);
        }
        bench_feed_check_equal($paths, $n);
        array_map('unlink', $paths);
        return ['offers' => $n, 'ways' => $ways, 'headline' => sprintf('%s offers: the same feed from each (%s)', number_format($n), implode(', ', $ways))];
    });
    foreach ($config['feedOffers'] as $n) {
        foreach (BENCH_FEED_WAYS as $way => $title) {
            scenario("feed:$way:$n", sprintf('product feed, %s offers: %s', number_format($n), $title), static function () use ($config, $way, $n) {
                global $work;
                $path = "$work/feed-$way.yml";
                $r = bench_feed_worker($way, $n, $config, $path);
                @unlink($path);
                return $r + ['headline' => bench_feed_headline($r)];
            });
        }
    }
    run_feed_job_scenarios($config);
}

/**
 * One way writing $n offers to $path in a PHP process of its own. A process that dies (the kernel's OOM killer
 * under the DOM way) is reported as such, with the offers it had done, rather than failing the benchmark.
 *
 * @return array<string, mixed>
 */
function bench_feed_worker(string $way, int $n, array $config, string $path): array
{
    global $work;
    $progress = "$work/feed-$way.progress";
    @unlink($progress);
    $reserve = max(1048576, (int)(bench_meminfo_kib('MemTotal') * $config['feedReserveShare']));
    $available = bench_meminfo_kib('MemAvailable');
    $args = ['way' => $way, 'n' => $n, 'batch' => $config['feedBatch'], 'path' => $path, 'progress' => $progress, 'reserveKiB' => $reserve];
    $died = static fn (int $code, string $output): array => [
        'way' => $way,
        'offers' => (int)@file_get_contents($progress),
        'finished' => false,
        'stopped' => sprintf(
            'its process ended with code %d%s after %s offers of %s',
            $code,
            $code === -1 || $code === 137 ? ' (killed: out of memory?)' : '',
            number_format((int)@file_get_contents($progress)),
            number_format($n)
        ),
        'output' => substr($output, 0, 500),
    ];
    $r = worker('feed.php', $args, true, 3600, [], $died);
    @unlink($progress);
    return $r + ['n' => $n, 'batch' => $config['feedBatch'], 'availableBeforeKiB' => $available, 'reserveKiB' => $reserve];
}

function bench_feed_headline(array $r): string
{
    $memory = sprintf('VmHWM %.1f MB, PHP heap %.1f MB', ($r['hwmKiB'] ?? 0) * 1024 / 1e6, ($r['phpPeakBytes'] ?? 0) / 1e6);
    if (!$r['finished']) {
        return "did not finish: {$r['stopped']}" . (isset($r['hwmKiB']) ? "; $memory" : '');
    }
    if ($r['way'] === 'gen') {
        return sprintf('%s offers/s made; %s', number_format($r['generateRate']), $memory);
    }
    return sprintf('%s offers/s written (making them apart: %s/s); %s; file %.1f MB', number_format($r['writeRate']), number_format($r['generateRate']), $memory, $r['bytes'] / 1e6);
}
