<?php

declare(strict_types=1);

/** 4. Delivery: its rate with the limit lifted, a backlog drained, one operation at the limit, an outage's backlog. */

/** Delivery with the limit lifted: one and several sending processes. */
function run_deliver_scenarios(array $config): void
{
    $procs = $config['procs'];
    foreach ([0, 50] as $latency) {
        $n = $latency === 0 ? $config['delivery0'] : $config['delivery50'];
        foreach ([1, $procs] as $p) {
            scenario("deliver:$latency:$p", "delivery, limit lifted, $p sending process(es), $latency ms, $n events", static function () use ($latency, $n, $p) {
                reset_emulator($latency);
                $path = outbox_path("deliver$p");
                // Several processes creating a new outbox at once can fail (see the report): the
                // file is created first, as it would exist on a running site.
                worker('ext_send.php', target($latency, $path) + ['mode' => 'open']);
                $startAt = microtime(true) + 0.5;
                $jobs = [];
                $share = intdiv($n, $p);
                for ($k = 0; $k < $p; $k++) {
                    $count = $k === $p - 1 ? $n - $share * ($p - 1) : $share;
                    $jobs[] = ['producer.php', target($latency, $path) + [
                        'n' => $count, 'offset' => $k * $share, 'rateLimit' => 0, 'startAt' => $startAt, 'timeout' => 600,
                    ], true];
                }
                $runs = workers($jobs);
                $start = min(array_column($runs, 'startUnix'));
                $sentAt = max(array_column($runs, 'sentUnix'));
                $samples = array_merge(...array_column($runs, 'samplesMs'));
                $s = journal_rates($latency, $start, $latency === 0 ? 0.5 : 1.0);
                $s += [
                    'events' => $n,
                    'processes' => $p,
                    'pendingLeft' => max(array_column($runs, 'pendingLeft')),
                    'sendSeconds' => $sentAt - $start,
                    'send' => bench_summary($samples),
                    'cpuMsPerEvent' => 1000 * array_sum(array_column($runs, 'cpuTotalSeconds')) / $n,
                    'sendThreadCpuMsPerEvent' => 1000 * array_sum(array_column($runs, 'threadCpuSendSeconds')) / $n,
                ];
                return $s + ['headline' => sprintf(
                    '%.0f events/s overall (windows: median %.0f, slowest 1%% %.0f), sends took %.1f s',
                    $s['overall'],
                    $s['windowMedian'],
                    $s['windowP99'],
                    $s['sendSeconds']
                )];
            });
        }
    }
}

/**
 * A backlog drained by flush() with the limit lifted (no sends meanwhile), and one operation at the default limit over
 * the 50 ms network: can it reach Mindbox's limit?
 */
function run_drain_scenarios(array $config): void
{
    foreach ([0, 50] as $latency) {
        $n = $latency === 0 ? $config['delivery0'] : $config['delivery50'];
        scenario("drain:$latency", "backlog drained by flush(), limit lifted, $latency ms, $n events", static function () use ($latency, $n) {
            $path = outbox_path('drain');
            reset_emulator($latency);
            outage($latency);
            worker('backlog.php', target($latency, $path) + ['mode' => 'fill', 'n' => $n]);
            recover($latency);
            $r = worker('backlog.php', target($latency, $path) + ['mode' => 'drain', 'rateLimit' => 0, 'timeout' => 600]);
            $s = journal_rates($latency, $r['startUnix'], $latency === 0 ? 0.5 : 1.0);
            $s += ['events' => $n, 'flushSeconds' => $r['seconds'], 'pendingLeft' => $r['pendingLeft'], 'cpuMsPerEvent' => 1000 * $r['cpuSeconds'] / $n];
            return $s + ['headline' => sprintf(
                '%.0f events/s (delivered in %.1f s; flush() returned after %.1f s)',
                $s['overall'],
                $s['secondsFromStart'],
                $s['flushSeconds']
            )];
        });
    }

    scenario('oneop:50', "one operation, default limit, 50 ms, {$config['oneOperation50']} createOrder()", static function () use ($config) {
        $n = $config['oneOperation50'];
        $path = outbox_path('oneop');
        reset_emulator(50);
        outage(50);
        worker('backlog.php', target(50, $path) + ['mode' => 'fill', 'n' => $n, 'helper' => 'createOrder']);
        recover(50);
        $r = worker('backlog.php', target(50, $path) + ['mode' => 'drain', 'timeout' => 600]);
        $s = journal_rates(50, $r['startUnix'], 1.0);
        $s += ['events' => $n, 'flushSeconds' => $r['seconds'], 'pendingLeft' => $r['pendingLeft']];
        return $s + ['headline' => sprintf('%.1f events/s of Website.CreateOrder', $s['overall'])];
    });
}

/** The backlog of a ten-minute outage at 50 events/s, drained with the default limit. */
function run_outage_scenarios(array $config): void
{
    foreach ([0, 50] as $latency) {
        $n = $config['outageEvents'];
        scenario("outage:$latency", "outage backlog, default limit, $latency ms, $n events", static function () use ($latency, $n) {
            $path = outbox_path('outage');
            reset_emulator($latency);
            outage($latency);
            $fill = worker('backlog.php', target($latency, $path) + ['mode' => 'fill', 'n' => $n]);
            $bytes = bench_outbox_bytes($path);
            recover($latency);
            $r = worker('backlog.php', target($latency, $path) + ['mode' => 'drain', 'timeout' => 1200]);
            $s = journal_rates($latency, $r['startUnix'], 1.0);
            $counts = bench_mix_counts($n);
            $perSecond = BENCH_DEFAULT_RATE_LIMIT / 60.0;
            $allowed = max($counts) / $perSecond;
            $s += [
                'events' => $n,
                'counts' => $counts,
                'allowedSeconds' => $allowed,
                'drainSeconds' => $s['secondsFromStart'],
                'flushSeconds' => $r['seconds'],
                'pendingLeft' => $r['pendingLeft'],
                'fillSeconds' => $fill['seconds'],
                'outboxBytes' => $bytes,
                'cpuMsPerEvent' => 1000 * $r['cpuSeconds'] / $n,
                'maxPerMinute' => max(array_column($s['operations'], 'maxPerMinute') ?: [0]),
            ];
            return $s + ['headline' => sprintf(
                'drained in %.1f s; the limit allows %.1f s (%+.0f%%); busiest operation %d in a minute',
                $s['drainSeconds'],
                $allowed,
                100 * ($s['drainSeconds'] / $allowed - 1),
                $s['maxPerMinute']
            )];
        });
    }
}
