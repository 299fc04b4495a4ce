<?php

declare(strict_types=1);

/**
 * The outbox after an outage.
 *
 * - "fill": sends n events of the operation mix (or of one "helper" only) as fast as it can
 *   while Mindbox is down (the caller has told the emulator to answer 503), then exits: the
 *   outbox now holds the backlog.
 * - "drain": Mindbox is back; delivers the backlog (with the default rate limit unless
 *   "rateLimit" says otherwise) the way the module's agent does, by calling
 *   flush("flushSeconds", default 10) until nothing is pending (or "timeout" seconds).
 *
 *     php -d extension=… bench/backlog.php '{"mode":"fill","baseUrl":…,"outbox":…,"n":30000}'
 */

require __DIR__ . '/lib.php';

bench_require_extension();
$args = bench_args();
$mode = (string)$args['mode'];
$client = bench_client($args, isset($args['rateLimit']) ? ['rateLimit' => (int)$args['rateLimit']] : []);

if ($mode === 'fill') {
    $n = (int)$args['n'];
    $only = isset($args['helper']) ? (string)$args['helper'] : null;
    $start = microtime(true);
    for ($i = 0; $i < $n; $i++) {
        $helper = $only ?? bench_mix_helper($i);
        $client->$helper(bench_mix_body($helper, $i));
    }
    bench_emit([
        'n' => $n,
        'seconds' => microtime(true) - $start,
        'stats' => $client->outboxStats(),
        'memory' => bench_rss(),
    ]);
    exit(0);
}

if ($mode === 'drain') {
    $timeout = (float)($args['timeout'] ?? 600);
    $flushSeconds = (float)($args['flushSeconds'] ?? 10.0);
    $cpu0 = bench_cpu();
    $start = microtime(true);
    $sent = 0;
    $flushes = 0;
    $pending = (int)$client->outboxStats()['pending'];
    $initial = $pending;
    while ($pending > 0 && microtime(true) - $start < $timeout) {
        $report = $client->flush(min($flushSeconds, max(0.1, $timeout - (microtime(true) - $start))));
        $flushes++;
        $sent += (int)$report['sent'];
        $pending = (int)$report['pending'];
        if ($pending > 0 && (int)$report['sent'] === 0) {
            // What is left is in backoff from the outage: an agent would come back later.
            usleep(100_000);
        }
    }
    bench_emit([
        'initialPending' => $initial,
        'sent' => $sent,
        'pendingLeft' => $pending,
        'flushes' => $flushes,
        'startUnix' => $start,
        'endUnix' => microtime(true),
        'seconds' => microtime(true) - $start,
        'cpuSeconds' => bench_cpu() - $cpu0,
        'memory' => bench_rss(),
    ]);
    exit(0);
}

bench_fail("unknown mode $mode");
