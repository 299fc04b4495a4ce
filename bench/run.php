<?php

declare(strict_types=1);

/**
 * The benchmark driver: runs every measurement against the two emulators that scripts/bench.sh
 * started (0 ms and 50 ms of added latency), each in its own PHP process, and writes the
 * summaries to a JSON file for bench/report.php.
 *
 *     BENCH_EXTENSION=… BENCH_URL_0=http://127.0.0.1:P BENCH_URL_50=http://127.0.0.1:Q \
 *     BENCH_ENDPOINT=… BENCH_SECRET=… BENCH_WORK=/tmp/dir php bench/run.php bench/results.json
 *
 * Sizes scale with BENCH_SCALE (default 1; 0.1 for a quick look); the outage backlog has its
 * own BENCH_OUTAGE_SCALE (default 1 = 30,000 events) and the real-time outage its own
 * BENCH_OUTAGE_SECONDS (default 60; 600 is the full ten minutes).
 */

require __DIR__ . '/lib.php';
require __DIR__ . '/mysql.php';
require dirname(__DIR__) . '/tests/support/fpm/FpmPool.php';
require __DIR__ . '/run/measure.php';
require __DIR__ . '/run/workers.php';
require __DIR__ . '/run/emulator.php';
require __DIR__ . '/run/latency.php';
require __DIR__ . '/run/delivery.php';
require __DIR__ . '/run/faults.php';
require __DIR__ . '/run/cost.php';
require __DIR__ . '/run/pools.php';
require __DIR__ . '/run/recovery.php';
require __DIR__ . '/run/feed.php';
require __DIR__ . '/run/history.php';

ini_set('memory_limit', '-1');

function env(string $name, ?string $default = null): string
{
    $value = getenv($name);
    if (!is_string($value) || $value === '') {
        if ($default === null) {
            bench_fail("$name is not set (scripts/bench.sh sets it)");
        }
        return $default;
    }
    return $value;
}

$out = $argv[1] ?? (__DIR__ . '/results.json');
$extension = env('BENCH_EXTENSION');
$work = env('BENCH_WORK');
$scale = (float)env('BENCH_SCALE', '1');
$outageScale = (float)env('BENCH_OUTAGE_SCALE', '1');
$outageSeconds = (float)env('BENCH_OUTAGE_SECONDS', '60');
$procs = (int)env('BENCH_PROCS', '4');
$only = array_filter(explode(',', env('BENCH_ONLY', '')));
$emulators = [
    0 => ['url' => env('BENCH_URL_0'), 'pid' => (int)env('BENCH_PID_0', '0')],
    50 => ['url' => env('BENCH_URL_50'), 'pid' => (int)env('BENCH_PID_50', '0')],
];
$account = ['endpointId' => env('BENCH_ENDPOINT'), 'secretKey' => env('BENCH_SECRET')];
// Where outbox_path() puts the outbox of the scenario being measured: 'sqlite' or 'mysql'.
$backend = 'sqlite';

$sized = static fn (int $n, int $min = 10): int => max($min, (int)round($n * $scale));
$config = [
    'scale' => $scale,
    'outageScale' => $outageScale,
    'outageSeconds' => $outageSeconds,
    'procs' => $procs,
    'syncCalls0' => $sized(2000),
    'syncCalls50' => $sized(200),
    'sends' => $sized(20000),
    'pacedSends' => $sized(1000),
    'pacedRate' => 100,
    'coldProcesses' => $sized(20, 3),
    'delivery0' => $sized(20000, 100),
    'delivery50' => $sized(3000, 100),
    'oneOperation50' => $sized(3000, 100),
    'outageEvents' => max(100, (int)round(30000 * $outageScale)),
    'diskEvents' => $sized(100000, 1000),
    'memoryCheckpoints' => array_values(array_unique([$sized(1000, 100), $sized(10000, 200), $sized(50000, 500), $sized(100000, 1000)])),
    'recoveryRate' => 50,
    // Delivery while Mindbox fails a share of the requests (half 503, half a connection reset): a burst of events
    // from one process, the faults lasting at most faultSeconds (then ended, and the rest delivered); and Mindbox
    // down for faultOutageSeconds while the shop sends faultOutageRate events a second, the requests it gets
    // counted after the first faultOutageSettleSeconds (the requests already under way when it failed).
    'faultEvents' => $sized(5000, 200),
    'faultShares' => [0.0, 0.05, 0.3],
    'faultSeconds' => max(20, (int)round(60 * $scale)),
    'faultOutageSeconds' => 20,
    'faultOutageRate' => 20,
    'faultOutageSettleSeconds' => 5,
    // The PHP-FPM pool: 16 static workers (on 2 cores: most of them wait, as on a real site at this
    // rate), 20 requests a second of 3 events each.
    'fpmWorkers' => 16,
    'fpmRate' => 20,
    'fpmEventsPerRequest' => 3,
    'fpmWarmupSeconds' => 3,
    'fpmSeconds' => max(5, (int)round(30 * $scale)),
    'fpmBaselineSeconds' => 3,
    'fpmIdleSeconds' => max(8, (int)round(30 * $scale)),
    'fpmRecycleRequests' => 20,
    // Long enough for every worker to be recycled at least once (16 × 20 requests at 20/s = 16 s).
    'fpmRecycleSeconds' => max(20, (int)round(30 * $scale)),
    'fpmKillSeconds' => max(8, (int)round(12 * $scale)),
    'fpmKillAt' => 3,
    // The product feed: offers written at each size (100,000 and 1,000,000 at scale 1), in batches of 1,000 (the
    // official modules' page); the size at which the ways are first checked to write the same feed; the share of the
    // machine's memory (at least 1 GiB) a way must leave to the others, or be stopped.
    'feedOffers' => array_values(array_unique([$sized(100000, 1000), $sized(1000000, 1000)])),
    'feedBatch' => 1000,
    'feedCheckOffers' => 2500,
    'feedReserveShare' => 0.1,
    // The module's generator end to end (FeedJob) on the tests' fake catalogue, 2,000 and 20,000 products at scale 1
    // (about 1.33 offers a product), in pages of 1,000 products (the module's default), and at the larger size again in
    // steps of 2 s. The fake catalogue lives in the PHP process (about 18 KB a product: 360 MB at 20,000) and every
    // query of the fake core scans all of it, so a run's time grows with the square of its size (20,000 products:
    // about 15 s of CPU a run): the time, not the memory, bounds the size.
    'feedJobProducts' => array_values(array_unique([$sized(2000, 200), $sized(20000, 500)])),
    'feedJobPageSize' => 1000,
    'feedJobStepSeconds' => 2.0,
    // The history export: rows of each import written by MindboxCsvWriter and by a plain fputcsv() loop (1,000,000 at
    // scale 1), taken in turns for 3 rounds, from a sample of the module's rows of 2,000 users or orders (about 1,700
    // customers, 5,000 order lines); then HistoryJob end to end at 100,000 and 1,000,000 order lines (scaled), with a
    // user for every 10 lines: the fake core holds a page or two of them at a time (bench/history/shop.php), so the
    // run's memory is the module's, and its time about 80 s at 1,000,000 lines.
    'historyWriteRows' => $sized(1000000, 1000),
    'historyWriteSample' => 2000,
    'historyWriteRounds' => 3,
    'historyJobLines' => array_values(array_unique([$sized(100000, 1000), $sized(1000000, 1000)])),
    'historyJobUsersPerLine' => 0.1,
    'rateLimit' => BENCH_DEFAULT_RATE_LIMIT,
    'operationMix' => BENCH_OPERATION_MIX,
];

$results = [
    'startedAt' => gmdate('Y-m-d H:i:s') . ' UTC',
    'machine' => machine(),
    'config' => $config,
    'scenarios' => [],
];

fwrite(STDERR, sprintf(
    "benchmarks (scale %s, outage backlog %d events, real-time outage %d s) on %d CPUs, %s\n",
    $scale,
    $config['outageEvents'],
    (int)$outageSeconds,
    $results['machine']['nproc'],
    $results['machine']['cpu'],
));

run_sync_scenarios($config);
run_send_scenarios($config);
run_deliver_scenarios($config);
run_drain_scenarios($config);
run_outage_scenarios($config);
run_fault_scenarios($config);
run_cost_scenarios($config);
run_cpu_scenario($config);
run_fpm_scenarios($config);
run_recovery_scenario($config);
run_feed_scenarios($config);
run_history_scenarios($config);

$results['finishedAt'] = gmdate('Y-m-d H:i:s') . ' UTC';
file_put_contents($out, json_encode(bench_json_safe($results), JSON_THROW_ON_ERROR | JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION));
fwrite(STDERR, "raw results: $out\n");
