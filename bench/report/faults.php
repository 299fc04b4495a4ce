<?php

declare(strict_types=1);

/** 2b. Delivery while Mindbox fails: a share of the requests, and all of them. */

/** The share of the fault-free rate each share of failing requests must keep. */
const REPORT_FAULT_TARGETS = [5 => 0.9, 30 => 0.5];

/** Rate and share of the fault-free rate under each share of failing requests, then the full outage. */
function report_fault_rows(ReportTable $t): void
{
    $free = $t->get('faults:0', 'rate');
    foreach ($t->config['faultShares'] ?? [] as $share) {
        $percent = (int)round(100 * $share);
        $k = "faults:$percent";
        if ($t->get($k) === null) {
            continue;
        }
        $rate = (float)$t->get($k, 'rate');
        $ratio = $free ? $rate / $free : null;
        $share = $ratio === null ? '—' : sprintf($ratio < 0.1 ? '%.1f%%' : '%.0f%%', 100 * $ratio);
        $floor = REPORT_FAULT_TARGETS[$percent] ?? null;
        $lost = (int)$t->get($k, 'lost');
        $status = '';
        if ($floor !== null) {
            $status = $ratio === null
                ? '— (no fault-free row in this run)'
                : verdict($ratio >= $floor && $lost === 0, $lost > 0 ? "$lost events lost" : "$share of the fault-free rate");
        }
        $t->row(
            sprintf(
                'delivery, limit lifted, 1 process, %s events of the mix, %s: rate while the backlog is deep (the first half of the events%s)%s; %s',
                number_format((int)$t->get($k, 'events')),
                $percent > 0 ? sprintf('%d%% of requests failing (503 or reset; %s of %s requests failed)', $percent, number_format((int)$t->get($k, 'faults')), number_format((int)$t->get($k, 'requests'))) : 'no faults',
                $t->get($k, 'halfWithinFaults') ? sprintf(', in %s', duration($t->get($k, 'halfSeconds'))) : sprintf(': not reached in %s of faults, what arrived in them', secs($t->get($k, 'faultSeconds'))),
                $percent > 0 ? ", $share of the fault-free rate" : '',
                fault_arrival($t, $k)
            ),
            '0 ms',
            rate($rate),
            '—',
            '—',
            $floor === null ? '' : sprintf('≥ %d%% of the fault-free rate; every event arrives', (int)round(100 * $floor)),
            $status
        );
    }
    if ($t->get('faults:outage') !== null) {
        $k = 'faults:outage';
        $late = (float)$t->get($k, 'lateRate');
        $gap = (float)$t->get($k, 'longestGap');
        $lost = (int)$t->get($k, 'lost');
        $t->row(
            sprintf(
                'Mindbox down (every request 503) for %s while the shop sends %s events a second: requests Mindbox received (%d in the first %d s, then %s; the longest it went unprobed %s); %s',
                secs($t->get($k, 'outageSeconds')),
                number_format((int)$t->config['faultOutageRate']),
                (int)$t->get($k, 'requestsFirst'),
                (int)$t->get($k, 'settleSeconds'),
                rate($late),
                secs($gap),
                fault_arrival($t, $k, 'after it was back')
            ),
            '0 ms',
            number_format((int)$t->get($k, 'requests')),
            '—',
            '—',
            'probed, not hammered: after the first 5 s ≤ 1 request/s, never unprobed over 11 s (probes at most 10 s apart); every event arrives',
            verdict($late <= 1.0 && $gap <= 11.0 && $lost === 0, implode('; ', array_filter([
                $late > 1.0 ? sprintf('%.1f requests/s', $late) : '',
                $gap > 11.0 ? sprintf('unprobed for %.1f s', $gap) : '',
                $lost > 0 ? "$lost events lost" : '',
            ])))
        );
    }
}

/** Whether every event arrived, when, and whether one arrived twice. */
function fault_arrival(ReportTable $t, string $k, string $since = 'from the first send'): string
{
    $n = (int)$t->get($k, 'events');
    $lost = (int)$t->get($k, 'lost');
    $last = $k === 'faults:outage' ? $t->get($k, 'allDeliveredAfter') : $t->get($k, 'allSeconds');
    $text = $lost === 0
        ? sprintf('all %s arrived, the last %s %s', number_format($n), secs($last), $since)
        : sprintf('**%s of %s never arrived**', number_format($lost), number_format($n));
    $duplicates = (int)$t->get($k, 'duplicates');
    return $text . ($duplicates > 0 ? sprintf(', %d answered as duplicates', $duplicates) : '');
}

/** How the failure rows were measured, when the run has them. */
function report_fault_notes(ReportTable $t): array
{
    if (preg_grep('/^faults:/', array_keys($t->scenarios)) === []) {
        return [];
    }
    return ['', sprintf(
        'Failure rows: one PHP process against the 0 ms emulator with the rate limit lifted (bench/flaky.php). The emulator fails the given share of requests, seeded so that every run fails the same ones: half of the failures answer 503, half reset the connection, before the call is processed. The process sends %s events of the mix back to back and calls flush() until nothing is pending; the rate is the first half of the events (by the emulator\'s receipt of each transaction\'s first processed call) over the time from the first send: while the backlog is deep it tells how fast delivery goes, whereas the last events wait out their own retry delays (2 s, doubling), which the row gives beside it as when the last arrived. The faults end after %s at the latest (the process ends them through the control API), so that a delivery that stalls still has its events delivered and counted: a row whose half did not arrive within the faults gives what did arrive in them. Outage: every request answered 503 for %d s while the process sends %d events a second; the requests Mindbox received are counted from the emulator\'s journal, those of the first %d s apart (the requests under way when it failed), and the longest time without a request includes the one from the last request to the outage\'s end. Then the faults end and the process flushes until nothing is pending; every transaction must have been processed (a duplicate is told).',
        number_format((int)$t->config['faultEvents']),
        secs((float)$t->config['faultSeconds']),
        (int)$t->config['faultOutageSeconds'],
        (int)$t->config['faultOutageRate'],
        (int)$t->config['faultOutageSettleSeconds']
    )];
}
