<?php

declare(strict_types=1);

/** 2. Delivery: its rates, and how a backlog drains. */

// A MySQL outbox's delivery pays round trips to the server for every claim and settle.
const REPORT_DELIVERY_FLOOR = ['' => 2000, 'mysql:' => 1000];

/** Delivery by sending processes and of a backlog, limit lifted, on either backend. */
function report_delivery_rows(ReportTable $t): void
{
    foreach (REPORT_BACKENDS as $b => $label) {
        foreach ([0, 50] as $l) {
            foreach ([1, (int)$t->config['procs']] as $p) {
                $k = "{$b}deliver:$l:$p";
                if ($t->get($k) === null) {
                    continue;
                }
                $overall = $t->get($k, 'overall');
                [$op, $opRate] = busiest($t->get($k, 'operations'));
                [$target, $status] = delivery_target($l, $overall, $op, $opRate, REPORT_DELIVERY_FLOOR[$b]);
                $t->row(
                    sprintf('%sdelivery, limit lifted, %d sending process%s, %s events of the mix: overall %s', $label, $p, $p > 1 ? 'es' : '', number_format($t->get($k, 'events')), rate($overall)),
                    "$l ms",
                    rate($t->get($k, 'windowMedian')),
                    rate($t->get($k, 'windowP99')),
                    $t->phpRate($l) ? times($overall / $t->phpRate($l)) . ' the PHP way\'s rate' : '—',
                    $target,
                    $status
                );
            }
        }
    }
    foreach (REPORT_BACKENDS as $b => $label) {
        foreach ([0, 50] as $l) {
            $k = "{$b}drain:$l";
            if ($t->get($k) === null) {
                continue;
            }
            $overall = $t->get($k, 'overall');
            [$op, $opRate] = busiest($t->get($k, 'operations'));
            [$target, $status] = delivery_target($l, $overall, $op, $opRate, REPORT_DELIVERY_FLOOR[$b]);
            $t->row(
                sprintf(
                    '%sbacklog of %s events drained by flush(), limit lifted: overall %s in %s (flush() returned after %s)',
                    $label,
                    number_format($t->get($k, 'events')),
                    rate($overall),
                    secs($t->get($k, 'secondsFromStart')),
                    secs($t->get($k, 'flushSeconds'))
                ),
                "$l ms",
                rate($t->get($k, 'windowMedian')),
                rate($t->get($k, 'windowP99')),
                $t->phpRate($l) ? times($overall / $t->phpRate($l)) . ' the PHP way\'s rate' : '—',
                $target,
                $status
            );
        }
    }
}

/** One operation at the default limit, and the outage backlog's drain. */
function report_outage_rows(ReportTable $t): void
{
    if ($t->get('oneop:50') !== null) {
        $overall = $t->get('oneop:50', 'overall');
        $limitRate = BENCH_DEFAULT_RATE_LIMIT / 60;
        $t->row(
            sprintf('one operation (Website.CreateOrder), default limit (%s), backlog of %s: overall %s', rate($limitRate), number_format($t->get('oneop:50', 'events')), rate($overall)),
            '50 ms',
            rate($t->get('oneop:50', 'windowMedian')),
            rate($t->get('oneop:50', 'windowP99')),
            $t->phpRate(50) ? times($overall / $t->phpRate(50)) . ' the PHP way\'s rate' : '—',
            '≥ 130 /s per operation',
            verdict($overall >= 130, sprintf('%.0f%% short', 100 * (1 - $overall / 130)))
                . ($overall > $limitRate * 1.005 ? sprintf('; above the limit of %.1f /s', $limitRate) : '')
        );
    }
    $maxPerMinute = 0;
    foreach ([0, 50] as $l) {
        $k = "outage:$l";
        if ($t->get($k) === null) {
            continue;
        }
        $drain = $t->get($k, 'drainSeconds');
        $allowed = $t->get($k, 'allowedSeconds');
        [$op, $opRate] = busiest($t->get($k, 'operations'));
        $maxPerMinute = max($maxPerMinute, (int)$t->get($k, 'maxPerMinute'));
        $t->row(
            sprintf(
                'outage backlog, %s events of the mix, default limit: drain time (busiest, %s: %s)',
                number_format($t->get($k, 'events')),
                $op,
                rate($opRate)
            ),
            "$l ms",
            secs($drain),
            '—',
            '—',
            sprintf('≤ %s (the limit allows %s, +10%%)', secs($allowed * 1.1), secs($allowed)),
            verdict($drain <= $allowed * 1.1, sprintf('%+.0f%% over the allowed time', 100 * ($drain / $allowed - 1)))
        );
    }
    if ($maxPerMinute > 0) {
        $t->row(
            'most requests of one operation in any 60 s window during those drains',
            '',
            number_format($maxPerMinute),
            '—',
            '—',
            sprintf('≤ %s (Mindbox\'s limit)', number_format(BENCH_DEFAULT_RATE_LIMIT)),
            $maxPerMinute <= BENCH_DEFAULT_RATE_LIMIT ? 'met' : sprintf('**over the limit** by %s', number_format($maxPerMinute - BENCH_DEFAULT_RATE_LIMIT))
        );
    }
}

/** The real-time outage: how soon delivery resumes once Mindbox is back. */
function report_recovery_row(ReportTable $t): void
{
    if ($t->get('recovery:50') !== null) {
        $r = $t->scenarios['recovery:50'];
        $first = $r['firstDeliveryAfterRecovery'];
        $drained = $r['drainedAfterRecovery'];
        $t->row(
            sprintf(
                'real-time outage of %d s at %d events/s from %d processes, then Mindbox is back: first delivery after / backlog (%s events) gone after',
                (int)$r['outageSeconds'],
                (int)$r['rate'],
                (int)($r['processes'] ?? 1),
                number_format((int)$r['backlogAtRecovery'])
            ),
            '50 ms',
            ($first === null ? 'never' : secs($first)) . ' / ' . ($drained === null ? 'never' : secs($drained)),
            '—',
            '—',
            sprintf('backlog gone ≤ %s (the limit allows %s, +10%%)', secs($r['allowedSeconds'] * 1.1), secs($r['allowedSeconds']))
                . ((float)$r['outageSeconds'] < 600 ? '; the target is set for 600 s: the wait for the next probe of Mindbox does not shrink with a shorter outage' : ''),
            $drained === null
                ? sprintf('**missed** (not drained within %s)', secs((float)$r['outageSeconds'] * 2 + 300))
                : verdict($drained <= $r['allowedSeconds'] * 1.1, sprintf('%+.0f%% over', 100 * ($drained / $r['allowedSeconds'] - 1)))
        );
    }
}

/** The operation with the most events, and its delivery rate. */
function busiest(?array $operations): array
{
    if (!$operations) {
        return [null, null];
    }
    $best = null;
    foreach ($operations as $op => $o) {
        if ($best === null || $o['count'] > $operations[$best]['count']) {
            $best = $op;
        }
    }
    return [$best, $operations[$best]['rate'] ?? null];
}

/** Against the 0 ms emulator the whole delivery rate counts; at 50 ms, the busiest operation's. */
function delivery_target(int $latency, float $overall, ?string $op, ?float $opRate, int $floor = 2000): array
{
    if ($latency === 0) {
        return ['overall ≥ ' . number_format($floor) . ' /s', verdict($overall >= $floor, sprintf('%.1f%% short', 100 * (1 - $overall / $floor)))];
    }
    return [
        "≥ 130 /s per operation (busiest, $op: " . rate($opRate) . ')',
        verdict($opRate >= 130, sprintf('%.0f%% short', 100 * (1 - $opRate / 130))),
    ];
}
