<?php

declare(strict_types=1);

/**
 * One process delivering while Mindbox fails: the emulator's fault rules (bench/run.php sets them
 * before this starts) last "faultSeconds", then this process ends them itself through the control
 * API, at a moment it knows exactly, and lets its delivery finish: every event must arrive in the
 * end, so a run that would lose one shows it.
 *
 * - "burst": sends n events of the mix back to back (the rate limit lifted), then calls flush()
 *   until nothing is pending, as the module's agent does;
 * - "outage": sends at "rate" events a second for "faultSeconds" (a shop keeps selling while
 *   Mindbox is down), then ends the outage and flushes until nothing is pending.
 *
 *     php -d extension=… bench/flaky.php '{"mode":"burst","baseUrl":…,"outbox":…,"n":5000,"faultSeconds":60}'
 *
 * Prints one JSON line: when the sends started and ended, when the faults ended and how much was
 * pending then, when the outbox was empty, and what flush() said along the way.
 */

require __DIR__ . '/lib.php';

bench_require_extension();
$args = bench_args();
$mode = (string)$args['mode'];
$faultSeconds = (float)$args['faultSeconds'];
$timeout = (float)($args['timeout'] ?? 600);
$client = bench_client($args, ['rateLimit' => (int)($args['rateLimit'] ?? 0)]);

/** Flushes until nothing is pending or $until passes; counts flush()'s reasons. */
$drain = static function (float $until, array &$reasons) use ($client): int {
    $pending = (int)$client->outboxStats()['pending'];
    while ($pending > 0 && microtime(true) < $until) {
        $report = $client->flush(max(0.1, min(10.0, $until - microtime(true))));
        $reason = (string)($report['reason'] ?? '?');
        $reasons[$reason] = ($reasons[$reason] ?? 0) + 1;
        $pending = (int)$report['pending'];
        if ($pending > 0 && (int)$report['sent'] === 0) {
            // What is left waits for a retry or a probe: an agent would come back later.
            usleep(100_000);
        }
    }
    return $pending;
};

$start = microtime(true);
$faultsEnd = $start + $faultSeconds;
$n = 0;
if ($mode === 'burst') {
    for ($n = 0; $n < (int)$args['n']; $n++) {
        $helper = bench_mix_helper($n);
        $client->$helper(bench_mix_body($helper, $n));
    }
} elseif ($mode === 'outage') {
    $interval = 1.0 / (float)$args['rate'];
    while (($next = $start + $n * $interval) < $faultsEnd) {
        $wait = $next - microtime(true);
        if ($wait > 0) {
            usleep((int)($wait * 1e6));
        }
        $helper = bench_mix_helper($n);
        $client->$helper(bench_mix_body($helper, $n));
        $n++;
    }
} else {
    bench_fail("unknown mode $mode");
}
$sent = microtime(true);

$reasons = [];
$pendingAtEnd = $drain($faultsEnd, $reasons);
$faultsEndedAt = microtime(true);
bench_control((string)$args['baseUrl'], 'DELETE', '/faults');
$reasonsAfter = [];
$pendingLeft = $drain($start + $timeout, $reasonsAfter);
$stats = $client->outboxStats();
bench_emit([
    'n' => $n,
    'startUnix' => $start,
    'sentUnix' => $sent,
    'faultsEndedUnix' => $faultsEndedAt,
    'pendingWhenFaultsEnded' => $pendingAtEnd,
    'endUnix' => microtime(true),
    'pendingLeft' => $pendingLeft,
    'failed' => (int)$stats['failed'],
    'reasons' => $reasons,
    'reasonsAfterFaults' => $reasonsAfter,
]);
