<?php

declare(strict_types=1);

/**
 * A real PHP-FPM pool (static workers) serving a shop's checkout traffic, the extension delivering
 * inline or the delivery daemon delivering (mindbox.delivery = external). Measures, over a window
 * after a warm-up: the delivery latency (send() returned → Mindbox received, from the emulator's
 * journal), send() inside the workers, the CPU and the threads spent per delivered event, the
 * workers' resident memory, the outbox's write transactions once the pool is idle, and the stall
 * after the delivering worker is SIGKILLed.
 *
 * bench/run.php starts it in a PID namespace of its own (unshare --pid --fork --mount-proc): the
 * namespace's last-allocated pid then counts every process and thread created in it, which is the
 * pool's (and the daemon's), since this script creates none while it counts.
 *
 * Arguments (one JSON object): endpointId, secretKey, baseUrl, dir (a fresh directory), extension,
 * daemon (mindbox-deliver), workers, maxRequests, delivery ("inline" or "external"), rate (requests
 * a second, 3 events each), warmupSeconds, seconds (the window), baselineSeconds (requests that do
 * not send, for the memory baseline; 0: none), idleSeconds (0: none), killAt (seconds into the window
 * at which the lease holder is SIGKILLed; null: never), pidNamespace (true when started in a PID
 * namespace of its own).
 */

require __DIR__ . '/lib.php';
require dirname(__DIR__) . '/tests/support/fpm/FpmPool.php';
require dirname(__DIR__) . '/tests/support/fpm/FastCgi.php';
require __DIR__ . '/fpm/Traffic.php';
require __DIR__ . '/fpm/Watch.php';
require __DIR__ . '/fpm/strace.php';
require __DIR__ . '/fpm/figures.php';
require __DIR__ . '/fpm/memory.php';
require __DIR__ . '/fpm/idle.php';

use MindboxTests\Support\FpmPool;
use MindboxTests\Support\ProcessGroup;

/**
 * Runs the traffic (or, with $mode null, only the watch) until $until() says so or $seconds pass;
 * $at is called on every turn, for events planned inside the run.
 */
function run_until(Traffic $traffic, Watch $watch, ?string $mode, float $seconds, ?callable $until = null, ?callable $at = null): float
{
    $end = microtime(true) + $seconds;
    while (($now = microtime(true)) < $end) {
        $next = $mode === null ? $end : $traffic->tick($now, $mode);
        $next = min($next, $watch->tick($now), $end);
        if ($at !== null) {
            $at($now);
        }
        if ($until !== null && $until()) {
            break;
        }
        $sleep = $next - microtime(true);
        if ($sleep > 0) {
            usleep((int)($sleep * 1e6));
        }
    }
    return microtime(true) - ($end - $seconds);
}

/** The delivery daemon, with the pool's client config as its only endpoint. */
function daemon_start(string $binary, string $dir, array $config): ProcessGroup
{
    file_put_contents("$dir/deliver.json", json_encode([$config], JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES));
    chmod("$dir/deliver.json", 0600);
    return ProcessGroup::start([$binary, '--config', "$dir/deliver.json"], [1 => ['file', "$dir/daemon.out", 'a'], 2 => ['file', "$dir/daemon.err", 'a']]);
}

bench_require_extension();
$args = bench_args();
$dir = (string)$args['dir'];
@mkdir($dir, 0700, true);
$external = $args['delivery'] === 'external';
$config = [
    'endpointId' => $args['endpointId'],
    'secretKey' => $args['secretKey'],
    'baseUrl' => $args['baseUrl'],
    'outbox' => "$dir/outbox.sqlite",
    'timeout' => 10.0,
];
// This process only looks (outboxStats()): it starts no delivery, so no thread.
$observer = bench_client($config);
$observer->outboxStats();
putenv('MINDBOX_EXTENSION=' . $args['extension']);
$daemon = $external ? daemon_start((string)$args['daemon'], $dir, $config) : null;
$daemonPid = $daemon?->pid;
$settings = ['pm.max_children' => (string)$args['workers'], 'pm.max_requests' => (string)$args['maxRequests']];
if ($external) {
    $settings['php_admin_value[mindbox.delivery]'] = 'external';
}
$pool = new FpmPool($dir, $config, $settings);
$traffic = new Traffic($pool->port, 1.0 / (float)$args['rate']);
$watch = new Watch($pool, $daemonPid, $observer, $config['outbox']);
$result = ['workers' => (int)$args['workers'], 'delivery' => $args['delivery'], 'maxRequests' => (int)$args['maxRequests']];

// 1. The memory baseline: every worker serves the same requests, without the extension's work.
$baselineRss = [];
if ($args['baselineSeconds'] > 0) {
    run_until($traffic, $watch, 'dry', (float)$args['baselineSeconds']);
    $baselineRss = workers_rss($watch->workers(), (string)$args['extension']);
}

// 2. Warm-up: every worker opens the outbox and starts what it keeps running.
run_until($traffic, $watch, 'send', (float)$args['warmupSeconds']);
$firstEvent = count($traffic->events);

// 3. The window, with the SIGKILL of the holder in it if asked for.
$kill = null;
$killAt = $args['killAt'] === null ? null : microtime(true) + (float)$args['killAt'];
$killer = static function (float $now) use (&$kill, &$killAt, $watch): void {
    if ($killAt === null || $now < $killAt) {
        return;
    }
    $holder = $watch->holderNow();
    $kill = ['at' => microtime(true), 'pid' => $holder];
    if ($holder !== null) {
        posix_kill($holder, SIGKILL);
    }
    $killAt = null;
};
$w0 = $watch->snapshot();
run_until($traffic, $watch, 'send', (float)$args['seconds'], null, $killer);
$w1 = $watch->snapshot();
$trafficEnd = $w1['t'];
$sentRss = workers_rss($watch->workers(), (string)$args['extension']);
$window = array_slice($traffic->events, $firstEvent);

// 4. The drain (every event sent is settled), then the idle pool. strace attaches before the drain,
// so that a thread its attaching may wake does so while the drain is not counted yet.
$strace = $args['idleSeconds'] > 0 ? strace_start([...$watch->workers(), ...($daemonPid === null ? [] : [$daemonPid])], "$dir/strace.log") : null;
$watch->holderEvery = 0.01;
$drainSeconds = run_until($traffic, $watch, null, 120, static fn () => $observer->outboxStats()['pending'] === 0);
$drainedAt = microtime(true);
$idle = null;
$idleRss = [];
if ($args['idleSeconds'] > 0) {
    $commitsBefore = count($watch->commits);
    $holdersBefore = count($watch->holders);
    run_until($traffic, $watch, null, (float)$args['idleSeconds']);
    $locks = $strace === null ? null : strace_write_locks($strace);
    $idle = idle_summary($watch, $commitsBefore, $holdersBefore, $locks, $trafficEnd, $drainedAt) + ['seconds' => (float)$args['idleSeconds']];
    $idleRss = workers_rss($watch->workers(), (string)$args['extension']);
}
$pool->stop();
$daemon?->stop();

// 5. What Mindbox received, and the figures.
['received' => $received, 'duplicates' => $duplicates] = bench_received_by_transaction((string)$args['baseUrl']);
$times = array_values($received);
sort($times);
$delivered = count(array_filter($times, static fn ($t) => $t >= $w0['t'] && $t <= $w1['t']));
$holders = holders_in($watch, $w0['t'], $w1['t']);
$result += [
    'windowSeconds' => $w1['t'] - $w0['t'],
    'requests' => array_sum($traffic->requestsByPid),
    'failedRequests' => $traffic->failed,
    'workersServed' => count($traffic->requestsByPid),
    'requestsPerWorker' => bench_summary(array_values($traffic->requestsByPid)) + ['min' => min($traffic->requestsByPid ?: [0])],
    'eventsInWindow' => count($window),
    'deliveredInWindow' => $delivered,
    'lost' => count(array_diff(array_column($traffic->events, 0), array_keys($received))),
    'duplicates' => $duplicates,
    'drainSeconds' => $drainSeconds,
    'latencyMs' => delivery_latency($window, $received),
    'sendMs' => bench_summary(array_map(static fn ($e) => $e[2] / 1000, $window)),
    'cpu' => cpu_summary($w0, $w1, $holders, $delivered, $daemonPid !== null),
    'threads' => threads_summary($watch, $w0, $w1, $daemonPid, $delivered, (bool)($args['pidNamespace'] ?? false)),
];
if ($baselineRss !== []) {
    $result['rss'] = rss_summary($baselineRss, $sentRss, $idleRss, $traffic->requestsByPid, $holders[0] ?? null);
}
if ($idle !== null) {
    $result['idle'] = $idle;
}
if ($kill !== null) {
    $result['kill'] = kill_summary($kill, $watch, $times, $trafficEnd);
}
bench_emit($result);
