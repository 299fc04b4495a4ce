<?php

declare(strict_types=1);

/** The figures of the window: delivery latency, CPU and threads per delivered event, the stall after a kill. */

/**
 * send() returned → Mindbox received, for the events sent in the window.
 *
 * @param list<array{0: string, 1: float, 2: float, 3: int}> $events
 * @param array<string, float> $received
 */
function delivery_latency(array $events, array $received): array
{
    $latencies = [];
    foreach ($events as [$id, $sentAt]) {
        if (isset($received[$id])) {
            $latencies[] = 1000 * ($received[$id] - $sentAt);
        }
    }
    return bench_summary($latencies) + ['undelivered' => count($events) - count($latencies)];
}

/**
 * CPU of the delivery in each worker over the window: the process's time less its PHP thread's (the
 * shop's requests, send() included), so what the extension's own threads used, also those that ended.
 * A worker born in the window counts from nothing; one that died counts up to its last reading.
 *
 * @return array<int, int> clock ticks by pid
 */
function delivery_ticks(array $from, array $to): array
{
    $ticks = [];
    foreach ($to as $pid => [$total, $main]) {
        [$total0, $main0] = $from[$pid] ?? [0, 0];
        $ticks[$pid] = ($total - $total0) - ($main - $main0);
    }
    return $ticks;
}

/**
 * CPU per delivered event: the lease holder's extension threads (when one process held it all along),
 * all workers' extension threads, and the daemon.
 *
 * @param list<int> $holders
 */
function cpu_summary(array $w0, array $w1, array $holders, int $delivered, bool $external): array
{
    $ticks = delivery_ticks($w0['cpu'], $w1['cpu']);
    $perEvent = static fn (int $t): ?float => $delivered > 0 ? 1000 * $t / BENCH_CLOCK_TICKS / $delivered : null;
    return [
        'holders' => count($holders),
        'holderMsPerEvent' => count($holders) === 1 && !$external ? $perEvent($ticks[$holders[0]] ?? 0) : null,
        'workersMsPerEvent' => $perEvent(array_sum($ticks)),
        'daemonMsPerEvent' => $external ? $perEvent((int)$w1['daemon'] - (int)$w0['daemon']) : null,
        'tickMs' => 1000 / BENCH_CLOCK_TICKS,
    ];
}

/** @return list<int> the processes that held the lease between $from and $to, in order */
function holders_in(Watch $watch, float $from, float $to): array
{
    $pids = array_column(array_filter($watch->holders, static fn ($h) => $h[0] >= $from && $h[0] <= $to && $h[1] !== null), 1);
    return array_values(array_unique($pids));
}

/**
 * Threads created in the window: the namespace's counter less the workers FPM started meanwhile;
 * and, attributed by the 10 ms sampling, the threads seen in workers and in the daemon.
 */
function threads_summary(Watch $watch, array $w0, array $w1, ?int $daemonPid, int $delivered, bool $inNamespace): array
{
    $newThreads = array_filter(array_diff_key($w1['tids'], $w0['tids']), static fn ($pid, $tid) => $tid !== $pid, ARRAY_FILTER_USE_BOTH);
    $daemonThreads = count(array_filter($newThreads, static fn ($pid) => $pid === $daemonPid));
    $respawned = count(array_diff_key($w1['cpu'], $w0['cpu']));
    // Outside a PID namespace of its own the counter is the machine's: it counts nothing of the pool's alone.
    $counted = $inNamespace && $w0['ns'] !== null && $w1['ns'] !== null && $w1['ns'] >= $w0['ns'];
    $created = $counted ? $w1['ns'] - $w0['ns'] - $respawned : null;
    // In the workers: all the namespace created less what was seen in the daemon (an upper bound).
    $inWorkers = $created === null ? null : $created - $daemonThreads;
    return [
        'createdInNamespace' => $created,
        'workersRespawned' => $respawned,
        'seenInWorkers' => count($newThreads) - $daemonThreads,
        'seenInDaemon' => $daemonThreads,
        'inWorkers' => $inWorkers,
        'perEvent' => $inWorkers === null || $delivered === 0 ? null : $inWorkers / $delivered,
        'workerThreadsSeenEver' => count(array_filter($watch->tids, static fn ($pid, $tid) => $tid !== $pid && $pid !== $daemonPid, ARRAY_FILTER_USE_BOTH)),
        'seenByName' => array_count_values(array_map(static fn ($tid) => $watch->names[$tid], array_keys($newThreads))),
    ];
}

/**
 * The longest time without a delivery from $from until $to, while the shop kept sending (so events
 * were pending all along), and the first delivery after $from.
 *
 * @param list<float> $times sorted receipt times
 */
function longest_gap(array $times, float $from, float $to): array
{
    $gap = 0.0;
    $previous = $from;
    $first = null;
    foreach ($times as $t) {
        if ($t <= $from || $t > $to) {
            continue;
        }
        $first ??= $t - $from;
        $gap = max($gap, $t - $previous);
        $previous = $t;
    }
    return ['longestGap' => max($gap, $to - $previous), 'firstDeliveryAfter' => $first];
}

/**
 * After the SIGKILL of the holder: the longest time without a delivery, the first delivery, and who
 * took over.
 *
 * @param array{at: float, pid: ?int} $kill
 * @param list<float> $times sorted receipt times
 */
function kill_summary(array $kill, Watch $watch, array $times, float $trafficEnd): array
{
    $next = array_values(array_filter($watch->holders, static fn ($h) => $h[0] > $kill['at'] && $h[1] !== null && $h[1] !== $kill['pid']));
    return ['pid' => $kill['pid'], 'newHolder' => $next[0][1] ?? null] + longest_gap($times, $kill['at'], $trafficEnd);
}
