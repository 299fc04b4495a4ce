<?php

declare(strict_types=1);

/** The outage in real time. */

/**
 * How soon delivery resumes once Mindbox is back. Two PHP-FPM-like processes send half the rate each; one of them
 * measures.
 */
function run_recovery_scenario(array $config): void
{
    $outageSeconds = $config['outageSeconds'];
    if ($outageSeconds > 0) {
        $rate = $config['recoveryRate'];
        scenario('recovery:50', sprintf('real-time outage of %d s at %d events/s, 2 processes, 50 ms', (int)$outageSeconds, $rate), static function () use ($outageSeconds, $rate) {
            global $work;
            $path = outbox_path('recovery');
            worker('ext_send.php', target(50, $path) + ['mode' => 'open']);
            $stopFile = "$work/recovery.stop";
            @unlink($stopFile);
            reset_emulator(50);
            outage(50);
            $timeout = $outageSeconds * 3 + 300;
            [$r] = workers([
                ['recovery.php', target(50, $path) + ['rate' => $rate / 2, 'outageSeconds' => $outageSeconds, 'timeout' => $timeout, 'stopFile' => $stopFile], true],
                ['recovery.php', target(50, $path) + ['role' => 'sender', 'rate' => $rate / 2, 'offset' => 1, 'timeout' => $timeout + 10, 'stopFile' => $stopFile], true],
            ], $timeout + 60);
            reset_emulator(50);
            unset($r['timeline']);
            $counts = bench_mix_counts(100);
            // The busiest operation's backlog drains at the limit less its own new arrivals.
            $share = max($counts) / 100;
            $perSecond = BENCH_DEFAULT_RATE_LIMIT / 60.0;
            $backlog = (int)$r['backlogAtRecovery'];
            $r['rate'] = $rate;
            $r['processes'] = 2;
            $r['allowedSeconds'] = $backlog * $share / ($perSecond - $rate * $share);
            return $r + ['headline' => sprintf(
                'backlog %d, %d failed calls during the outage; first delivery %s s after Mindbox was back, drained after %s s (the limit allows %.1f s)',
                $backlog,
                (int)$r['failedCallsDuringOutage'],
                $r['firstDeliveryAfterRecovery'] === null ? 'never' : sprintf('%.1f', $r['firstDeliveryAfterRecovery']),
                $r['drainedAfterRecovery'] === null ? 'never' : sprintf('%.1f', $r['drainedAfterRecovery']),
                $r['allowedSeconds']
            )];
        });
    }
}
