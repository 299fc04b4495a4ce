<?php

declare(strict_types=1);

/**
 * 4b. Delivery while Mindbox fails a share of the requests, and while it fails them all: a failure
 * is not an outage, and an outage is probed, not hammered. Against the 0 ms emulator, the rate
 * limit lifted, one process (bench/flaky.php).
 */

/**
 * The emulator's rules for a share of failing requests: half answered 503, half a connection reset.
 * Rules are tried in turn, so the second one's probability is of the calls the first let through.
 *
 * @return list<array<string, mixed>>
 */
function fault_rules(float $share): array
{
    return [
        ['kind' => 'status', 'status' => 503, 'probability' => $share / 2],
        ['kind' => 'reset', 'probability' => ($share / 2) / (1 - $share / 2)],
    ];
}

/** Sets the rules (seeded: every run fails the same calls); none is a healthy Mindbox. */
function set_faults(array $rules): void
{
    global $emulators;
    bench_control($emulators[0]['url'], 'POST', '/faults', ['seed' => 21, 'rules' => $rules]);
}

/**
 * What the journal says of a run: every call's receipt, and the first processed call of each transaction (a
 * duplicate is an event delivered twice, a transaction never processed an event lost).
 *
 * @return array{requests: list<float>, delivered: list<float>, duplicates: int, faults: int}
 */
function fault_journal(): array
{
    global $emulators;
    $requests = [];
    $delivered = [];
    $duplicates = 0;
    $faults = 0;
    foreach (bench_control($emulators[0]['url'], 'GET', '/journal', null, 300)['requests'] as $entry) {
        $requests[] = (float)$entry['receivedAt'];
        $id = strtolower((string)$entry['transactionId']);
        if ($entry['outcome'] === 'processed') {
            $delivered[$id] ??= (float)$entry['receivedAt'];
        } elseif ($entry['outcome'] === 'duplicate') {
            $duplicates++;
        } elseif ($entry['outcome'] === 'fault') {
            $faults++;
        }
    }
    sort($requests);
    $delivered = array_values($delivered);
    sort($delivered);
    return ['requests' => $requests, 'delivered' => $delivered, 'duplicates' => $duplicates, 'faults' => $faults];
}

/**
 * A burst of events delivered by one process while a share of the requests fail. The rate that counts is the
 * backlog's while it is deep: the first half of the events, over the time from the first send until the
 * emulator processed them. The failed items' own retry delays (2 s, doubling) decide when the last ones arrive;
 * that is when an item may go again, not how fast delivery goes, and is told beside it.
 */
function run_fault_scenarios(array $config): void
{
    $n = $config['faultEvents'];
    foreach ($config['faultShares'] as $share) {
        $percent = (int)round(100 * $share);
        $label = $share > 0 ? "$percent% of requests failing (503 or reset)" : 'no faults';
        scenario("faults:$percent", "delivery, limit lifted, $label, 0 ms, $n events", static function () use ($config, $n, $share) {
            reset_emulator(0);
            set_faults($share > 0 ? fault_rules($share) : []);
            $r = worker('flaky.php', target(0, outbox_path('faults')) + [
                'mode' => 'burst', 'n' => $n, 'faultSeconds' => $config['faultSeconds'], 'timeout' => 900,
            ]);
            $j = fault_journal();
            $half = intdiv($n + 1, 2);
            $halfAt = $j['delivered'][$half - 1] ?? null;
            $halfSeconds = $halfAt === null ? null : $halfAt - $r['startUnix'];
            $withinFaults = count(array_filter($j['delivered'], static fn ($t) => $t <= $r['faultsEndedUnix']));
            $s = [
                'events' => $n,
                'share' => $share,
                'halfSeconds' => $halfSeconds,
                // Not half within the faults' time: what did arrive in it, over that time.
                'rate' => $halfAt !== null && $halfAt <= $r['faultsEndedUnix']
                    ? $half / $halfSeconds
                    : $withinFaults / ($r['faultsEndedUnix'] - $r['startUnix']),
                'halfWithinFaults' => $halfAt !== null && $halfAt <= $r['faultsEndedUnix'],
                'allSeconds' => $j['delivered'] === [] ? null : end($j['delivered']) - $r['startUnix'],
                'delivered' => count($j['delivered']),
                'lost' => $n - count($j['delivered']),
                'duplicates' => $j['duplicates'],
                'requests' => count($j['requests']),
                'faults' => $j['faults'],
                'pendingWhenFaultsEnded' => $r['pendingWhenFaultsEnded'],
                'faultSeconds' => $r['faultsEndedUnix'] - $r['startUnix'],
                'pendingLeft' => $r['pendingLeft'],
                'parked' => $r['failed'],
                'reasons' => $r['reasons'],
            ];
            return $s + ['headline' => sprintf(
                '%.0f events/s (first half in %s s); all %d of %d arrived after %.1f s; %d of %d requests failed',
                $s['rate'],
                $halfSeconds === null ? '—' : sprintf('%.2f', $halfSeconds),
                $s['delivered'],
                $n,
                $s['allSeconds'] ?? NAN,
                $s['faults'],
                $s['requests']
            )];
        });
    }

    $seconds = $config['faultOutageSeconds'];
    $rate = $config['faultOutageRate'];
    scenario('faults:outage', "Mindbox down (503) for $seconds s, sending $rate events/s, 0 ms", static function () use ($config, $seconds, $rate) {
        reset_emulator(0);
        set_faults([['kind' => 'status', 'status' => 503]]);
        $r = worker('flaky.php', target(0, outbox_path('faultsoutage')) + [
            'mode' => 'outage', 'rate' => $rate, 'faultSeconds' => $seconds, 'timeout' => 900,
        ]);
        $j = fault_journal();
        [$from, $to] = [$r['startUnix'], $r['faultsEndedUnix']];
        $during = array_values(array_filter($j['requests'], static fn ($t) => $t >= $from && $t <= $to));
        $settle = $config['faultOutageSettleSeconds'];
        $late = array_values(array_filter($during, static fn ($t) => $t >= $from + $settle));
        // The longest time Mindbox went unprobed: between two requests, or from the last one to the outage's end.
        $gaps = [];
        foreach ([$from, ...$during, $to] as $k => $t) {
            if ($k > 0) {
                $gaps[] = $t - $previous;
            }
            $previous = $t;
        }
        $after = array_values(array_filter($j['delivered'], static fn ($t) => $t > $to));
        $s = [
            'events' => $r['n'],
            'outageSeconds' => $to - $from,
            'requests' => count($during),
            'settleSeconds' => $settle,
            'requestsFirst' => count($during) - count($late),
            'lateRate' => count($late) / max(1e-9, $to - $from - $settle),
            'longestGap' => max($gaps),
            'firstDeliveryAfter' => $after === [] ? null : $after[0] - $to,
            'allDeliveredAfter' => $after === [] ? null : end($after) - $to,
            'delivered' => count($j['delivered']),
            'lost' => $r['n'] - count($j['delivered']),
            'duplicates' => $j['duplicates'],
            'pendingLeft' => $r['pendingLeft'],
            'parked' => $r['failed'],
        ];
        return $s + ['headline' => sprintf(
            '%d requests in %.1f s (%d in the first %d s, then %.2f /s; longest unprobed %.1f s); %d of %d arrived, the last %.1f s after',
            $s['requests'],
            $s['outageSeconds'],
            $s['requestsFirst'],
            $settle,
            $s['lateRate'],
            $s['longestGap'],
            $s['delivered'],
            $s['events'],
            $s['allDeliveredAfter'] ?? NAN
        )];
    });
}
