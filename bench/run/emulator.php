<?php

declare(strict_types=1);

/** The scenarios' outboxes and emulators: where an outbox goes, Mindbox down and back, and what it received. */

function outbox_path(string $name): string
{
    global $work, $backend;
    if ($backend === 'mysql') {
        return bench_mysql_outbox((string)bench_mysql_url(), $name);
    }
    $path = "$work/$name.sqlite";
    bench_remove_outbox($path);
    return $path;
}

/** @return array<string, mixed> */
function target(int $latency, string $outbox): array
{
    global $emulators, $account;
    return $account + ['baseUrl' => $emulators[$latency]['url'], 'outbox' => $outbox];
}

function reset_emulator(int $latency): void
{
    global $emulators;
    bench_control($emulators[$latency]['url'], 'POST', '/reset');
}

function outage(int $latency): void
{
    global $emulators;
    bench_control($emulators[$latency]['url'], 'POST', '/faults', ['rules' => [['kind' => 'status', 'status' => 503]]]);
}

/**
 * Mindbox is back. The few events the filling process tried during the outage wait out their
 * first retry delay (2 s ± 25 %); waiting that long first makes the whole backlog due, so that
 * the drain measures throughput, not one retry delay.
 */
function recover(int $latency): void
{
    reset_emulator($latency);
    usleep(3_000_000);
}

/**
 * Rates and per-operation figures from the journal of processed calls.
 *
 * @return array<string, mixed>
 */
function journal_rates(int $latency, float $from, float $window): array
{
    global $emulators;
    $byOperation = bench_processed_times($emulators[$latency]['url']);
    $all = $byOperation === [] ? [] : array_merge(...array_values($byOperation));
    sort($all);
    $rates = bench_window_rates($all, $window, $from);
    $operations = [];
    foreach ($byOperation as $operation => $times) {
        $span = count($times) > 1 ? end($times) - $times[0] : 0.0;
        $operations[$operation] = [
            'count' => count($times),
            'spanSeconds' => $span,
            'rate' => $span > 0 ? (count($times) - 1) / $span : NAN,
            'maxPerMinute' => bench_max_per_minute($times),
        ];
    }
    $last = $all === [] ? $from : end($all);
    return [
        'delivered' => count($all),
        'firstUnix' => $all[0] ?? null,
        'lastUnix' => $last,
        'secondsFromStart' => $last - $from + $latency / 1000,
        'overall' => count($all) / max(1e-9, $last - $from + $latency / 1000),
        'windowMedian' => $rates['median'],
        'windowP99' => $rates['p99'],
        'windows' => $rates['windows'],
        'window' => $window,
        'operations' => $operations,
    ];
}
