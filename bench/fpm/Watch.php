<?php

declare(strict_types=1);

use MindboxTests\Support\FpmPool;

/**
 * Watches the pool from outside: the threads of every worker (and of the daemon) every 10 ms, the
 * CPU of each and the lease holder every 100 ms (every 10 ms when asked to), and the outbox's
 * commit counter every 10 ms.
 */
final class Watch
{
    private const FAST = 0.01;
    private const SLOW = 0.1;

    /** @var array<int, array{0: int, 1: int}> the last reading of each worker ever seen: process ticks, its PHP thread's ticks */
    public array $cpu = [];
    /** @var array<int, int> every thread seen (tid => pid), main threads included */
    public array $tids = [];
    /** @var array<int, string> the name of every thread seen, as it was when first seen */
    public array $names = [];
    /** @var list<array{0: float, 1: ?int}> when the lease holder was looked at, and its pid */
    public array $holders = [];
    /** @var list<float> when the outbox's commit counter went up (one entry per commit) */
    public array $commits = [];
    public float $holderEvery = self::SLOW;
    /** @var list<int> */
    private array $workers = [];
    private ?int $commitCounter = null;
    private float $nextFast = 0.0;
    private float $nextSlow = 0.0;
    private float $nextHolder = 0.0;

    public function __construct(
        private readonly FpmPool $pool,
        private readonly ?int $daemon,
        private readonly MindboxClient $observer,
        private readonly string $outbox,
    ) {
        $this->sampleCpu();
    }

    public function tick(float $now): float
    {
        if ($now >= $this->nextSlow) {
            $this->sampleCpu();
            $this->nextSlow = $now + self::SLOW;
        }
        if ($now >= $this->nextHolder) {
            $this->sampleHolder($now);
            $this->nextHolder = $now + $this->holderEvery;
        }
        if ($now >= $this->nextFast) {
            $this->sampleThreads();
            $this->sampleCommits($now);
            $this->nextFast = $now + self::FAST;
        }
        return min($this->nextFast, $this->nextSlow, $this->nextHolder);
    }

    /** @return list<int> the pool's workers now */
    public function workers(): array
    {
        return $this->workers;
    }

    public function holderNow(): ?int
    {
        return self::pidOf($this->observer->outboxStats()['deliverer']);
    }

    /**
     * A reading of the counters, to subtract from a later one.
     *
     * @return array{t: float, ns: ?int, cpu: array<int, array{0: int, 1: int}>, daemon: ?int, tids: array<int, int>}
     */
    public function snapshot(): array
    {
        $this->sampleCpu();
        $this->sampleThreads();
        return [
            't' => microtime(true),
            'ns' => self::nsLastPid(),
            'cpu' => $this->cpu,
            'daemon' => $this->daemon === null ? null : bench_proc_ticks($this->daemon),
            'tids' => $this->tids,
        ];
    }

    private function sampleCpu(): void
    {
        $this->workers = $this->pool->workerPids();
        foreach ($this->workers as $pid) {
            $total = bench_proc_ticks($pid);
            $main = bench_proc_ticks($pid, $pid);
            if ($total !== null && $main !== null) {
                $this->cpu[$pid] = [$total, $main];
            }
        }
    }

    private function sampleThreads(): void
    {
        foreach ([...$this->workers, ...($this->daemon === null ? [] : [$this->daemon])] as $pid) {
            foreach (bench_proc_tids($pid) as $tid) {
                // A new thread has its process's name until it names itself: looked at again until then.
                if (!isset($this->tids[$tid]) || ($tid !== $pid && $this->names[$tid] === ($this->names[$pid] ?? null))) {
                    $this->tids[$tid] = $pid;
                    $this->names[$tid] = trim((string)@file_get_contents("/proc/$pid/task/$tid/comm"));
                }
            }
        }
    }

    private function sampleHolder(float $now): void
    {
        $this->holders[] = [$now, $this->holderNow()];
    }

    private function sampleCommits(float $now): void
    {
        $counter = bench_wal_commits($this->outbox);
        if ($counter === null) {
            return;
        }
        // A counter that went down belongs to a -shm file made anew: it starts again from nothing.
        $previous = $this->commitCounter ?? $counter;
        $new = $counter >= $previous ? $counter - $previous : $counter;
        for ($i = 0; $i < $new; $i++) {
            $this->commits[] = $now;
        }
        $this->commitCounter = $counter;
    }

    private static function pidOf(?string $deliverer): ?int
    {
        return $deliverer === null ? null : (int)substr($deliverer, (int)strrpos($deliverer, ':') + 1);
    }

    /** The last pid this PID namespace handed out, to a process or a thread. */
    private static function nsLastPid(): ?int
    {
        $text = @file_get_contents('/proc/sys/kernel/ns_last_pid');
        return is_string($text) ? (int)trim($text) : null;
    }
}
