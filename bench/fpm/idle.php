<?php

declare(strict_types=1);

/** The idle pool: the write transactions after the drain, and who held the lease meanwhile. */

/**
 * How the lease holder changed (a change to nobody is the lease's release), times from $from.
 *
 * @param list<array{0: float, 1: ?int}> $holders
 */
function holder_changes(array $holders, float $from): array
{
    $changes = [];
    $previous = $holders[0][1] ?? null;
    foreach ($holders as [$t, $pid]) {
        if ($pid !== $previous) {
            $changes[] = ['at' => $t - $from, 'from' => $previous, 'to' => $pid];
            $previous = $pid;
        }
    }
    return ['first' => $holders[0][1] ?? null, 'changes' => $changes];
}

/**
 * The write transactions after the drain: commits (from the -shm counter), write locks (from strace,
 * by process), and the lease's holder meanwhile, times from the drain.
 *
 * @param list<array{0: float, 1: int}>|null $locks strace's write locks (null: no strace)
 * @return array<string, mixed>
 */
function idle_summary(Watch $watch, int $commitsBefore, int $holdersBefore, ?array $locks, float $trafficEnd, float $drainedAt): array
{
    $commits = array_map(static fn ($t) => $t - $drainedAt, array_slice($watch->commits, $commitsBefore));
    $holders = holder_changes(array_slice($watch->holders, $holdersBefore), $drainedAt);
    $writes = $locks === null ? null : array_values(array_map(
        static fn ($l) => [$l[0] - $drainedAt, $watch->tids[$l[1]] ?? null],
        array_filter($locks, static fn ($l) => $l[0] > $drainedAt)
    ));
    $others = array_filter($writes ?? [], static fn ($w) => $w[1] !== $holders['first']);
    return [
        'settleCommitsAfterTraffic' => count(array_filter($watch->commits, static fn ($t) => $t > $trafficEnd && $t <= $drainedAt)),
        'commits' => $commits,
        'writeLocks' => $writes,
        // A write transaction that committed nothing: a write lock more than there were commits.
        'emptyWrites' => $writes === null ? null : max(0, count($writes) - count($commits)),
        'leaseReleases' => count(array_filter($holders['changes'], static fn ($c) => $c['to'] === null)),
        'writersOtherThanHolder' => $writes === null ? null : count(array_unique(array_column($others, 1))),
        'lastOtherWriterSeconds' => max([0.0, ...array_column($others, 0)]),
        'holderChanges' => $holders,
        'threadsAtEnd' => array_sum(array_map(static fn ($pid) => count(bench_proc_tids($pid)) - 1, $watch->workers())),
    ];
}
