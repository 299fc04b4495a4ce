<?php

declare(strict_types=1);

/**
 * An outage in real time: shop processes send the operation mix at a steady rate; for the first
 * "outageSeconds" Mindbox answers 503, then it is back. The processes keep sending and their
 * background threads deliver, with the default rate limit.
 *
 * The "controller" (the default role) sends "rate" events a second, tells the emulator when to
 * fail and when to recover, and measures how long after Mindbox is back the first event arrives
 * and the backlog is gone (the oldest pending event younger than 2 s), within "timeout" seconds;
 * then it creates "stopFile". A "sender" is another PHP-FPM worker of the site: it sends "rate"
 * events a second until "stopFile" exists.
 *
 *     php -d extension=… bench/recovery.php '{"baseUrl":…,"outbox":…,"rate":25,"outageSeconds":60,"stopFile":…}'
 */

require __DIR__ . '/lib.php';

bench_require_extension();
$args = bench_args();
$rate = (float)$args['rate'];
$outage = (float)($args['outageSeconds'] ?? 0);
$timeout = (float)($args['timeout'] ?? 900);
$baseUrl = (string)$args['baseUrl'];
$client = bench_client($args);

if (($args['role'] ?? 'controller') === 'sender') {
    // Another PHP-FPM worker of the same site: sends its share until the controller is done.
    $stopFile = (string)$args['stopFile'];
    $interval = 1.0 / $rate;
    $start = microtime(true);
    $next = $start;
    $i = (int)($args['offset'] ?? 0);
    $sent = 0;
    while (!file_exists($stopFile) && microtime(true) - $start < $timeout) {
        if (microtime(true) >= $next) {
            $helper = bench_mix_helper($i);
            $client->$helper(bench_mix_body($helper, 30_000_000 + $i));
            $i++;
            $sent++;
            $next += $interval;
        } else {
            usleep(10_000);
        }
    }
    bench_emit(['sent' => $sent]);
    exit(0);
}

// The caller has reset the emulator and made it answer 503 before starting the processes.

$interval = 1.0 / $rate;
$start = microtime(true);
$next = $start;
$i = 0;
$recoveredAt = null;
$backlogAtRecovery = null;
$firstDeliveryAt = null;
$drainedAt = null;
$lastCheck = 0.0;
$timeline = [];
$failedCalls = null;
while (true) {
    $now = microtime(true);
    if ($now - $start > $timeout) {
        break;
    }
    if ($recoveredAt === null && $now - $start >= $outage) {
        $backlogAtRecovery = (int)$client->outboxStats()['pending'];
        $failedCalls = (int)bench_control($baseUrl, 'GET', '/stats')['faults'];
        bench_control($baseUrl, 'DELETE', '/faults');
        $recoveredAt = microtime(true);
    }
    if ($now - $lastCheck >= 0.5) {
        $lastCheck = $now;
        $stats = $client->outboxStats();
        $emulator = bench_control($baseUrl, 'GET', '/stats');
        $processed = (int)$emulator['processed'];
        $timeline[] = [round($now - $start, 2), (int)$stats['pending'], (int)$emulator['faults'], $processed];
        if ($recoveredAt !== null && $firstDeliveryAt === null && $processed > 0) {
            $firstDeliveryAt = $now;
        }
        $age = $stats['oldestPendingAge'];
        if ($recoveredAt !== null && $firstDeliveryAt !== null && ($age === null || $age < 2.0)) {
            $drainedAt = $now;
            break;
        }

    }
    if ($now >= $next) {
        $helper = bench_mix_helper($i);
        $client->$helper(bench_mix_body($helper, 20_000_000 + $i));
        $i++;
        $next += $interval;
    } else {
        usleep((int)min(20_000, ($next - $now) * 1e6));
    }
}
if (isset($args['stopFile'])) {
    touch((string)$args['stopFile']);
}
$mix = bench_mix_counts(100);
bench_emit([
    'rate' => $rate,
    'outageSeconds' => $outage,
    'sent' => $i,
    'backlogAtRecovery' => $backlogAtRecovery,
    'failedCallsDuringOutage' => $failedCalls,
    'firstDeliveryAfterRecovery' => $firstDeliveryAt !== null && $recoveredAt !== null ? $firstDeliveryAt - $recoveredAt : null,
    'drainedAfterRecovery' => $drainedAt !== null && $recoveredAt !== null ? $drainedAt - $recoveredAt : null,
    'sharePercent' => $mix,
    'timeline' => $timeline,
]);
