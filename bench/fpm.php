<?php

declare(strict_types=1);

/**
 * A real PHP-FPM pool (static workers) serving a shop's checkout traffic, the extension delivering
 * inline or the delivery daemon delivering (mindbox.delivery = external). Measures, over a window
 * after a warm-up: the delivery latency (send() returned → Mindbox received, from the emulator's
 * journal), send() inside the workers, the CPU and the threads spent per delivered event, the
 * workers' resident memory, the outbox's write transactions once the pool is idle, and the stall
 * after the delivering worker is SIGKILLed.
 *
 * bench/run.php starts it in a PID namespace of its own (unshare --pid --fork --mount-proc): the
 * namespace's last-allocated pid then counts every process and thread created in it, which is the
 * pool's (and the daemon's), since this script creates none while it counts.
 *
 * Arguments (one JSON object): endpointId, secretKey, baseUrl, dir (a fresh directory), extension,
 * daemon (mindbox-deliver), workers, maxRequests, delivery ("inline" or "external"), rate (requests
 * a second, 3 events each), warmupSeconds, seconds (the window), baselineSeconds (requests that do
 * not send, for the memory baseline; 0: none), idleSeconds (0: none), killAt (seconds into the window
 * at which the lease holder is SIGKILLed; null: never), pidNamespace (true when started in a PID
 * namespace of its own).
 */

require __DIR__ . '/lib.php';
require dirname(__DIR__) . '/tests/support/fpm/FpmPool.php';
require dirname(__DIR__) . '/tests/support/fpm/FastCgi.php';

use MindboxTests\Support\FastCgi;
use MindboxTests\Support\FpmPool;
use MindboxTests\Support\ProcessGroup;

/** Paced shop requests, one at a time (the pool has far more workers than the rate needs). */
final class Traffic
{
    /** @var list<array{0: string, 1: float, 2: float, 3: int}> transactionId, unix time send() returned, its µs, worker pid */
    public array $events = [];
    /** @var array<int, int> requests served, by worker pid */
    public array $requestsByPid = [];
    public int $failed = 0;
    private int $n = 0;
    private float $next;

    public function __construct(private readonly int $port, private readonly float $interval)
    {
        $this->next = microtime(true);
    }

    /** Makes the next request if it is due; returns when the one after is due. */
    public function tick(float $now, string $mode): float
    {
        if ($now >= $this->next) {
            $this->request($mode);
            // A stalled request must not be followed by a burst that makes up for it.
            $this->next = max($this->next + $this->interval, microtime(true) - $this->interval);
        }
        return $this->next;
    }

    private function request(string $mode): void
    {
        $n = $this->n++;
        try {
            $answer = json_decode(trim(FastCgi::get('127.0.0.1', $this->port, __DIR__ . '/fpm_request.php', "n=$n&mode=$mode", 10.0)['body']), true);
        } catch (RuntimeException) {
            $answer = null;
        }
        if (!is_array($answer) || !isset($answer['pid'])) {
            $this->failed++;
            return;
        }
        $pid = (int)$answer['pid'];
        $this->requestsByPid[$pid] = ($this->requestsByPid[$pid] ?? 0) + 1;
        foreach ($answer['events'] as [$id, $at, $us]) {
            $this->events[] = [(string)$id, (float)$at, (float)$us, $pid];
        }
    }
}

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

/**
 * Runs the traffic (or, with $mode null, only the watch) until $until() says so or $seconds pass;
 * $at is called on every turn, for events planned inside the run.
 */
function run_until(Traffic $traffic, Watch $watch, ?string $mode, float $seconds, ?callable $until = null, ?callable $at = null): float
{
    $end = microtime(true) + $seconds;
    while (($now = microtime(true)) < $end) {
        $next = $mode === null ? $end : $traffic->tick($now, $mode);
        $next = min($next, $watch->tick($now), $end);
        if ($at !== null) {
            $at($now);
        }
        if ($until !== null && $until()) {
            break;
        }
        $sleep = $next - microtime(true);
        if ($sleep > 0) {
            usleep((int)($sleep * 1e6));
        }
    }
    return microtime(true) - ($end - $seconds);
}

/**
 * bench_rss() of each worker, with its Pss (pssKiB) and what of the extension's file is resident in it
 * (extensionKiB), by pid.
 *
 * @return array<int, array<string, int>>
 */
function workers_rss(array $pids, string $extension): array
{
    $rss = [];
    foreach ($pids as $pid) {
        $rss[$pid] = bench_rss($pid) + ['pssKiB' => (int)bench_pss($pid), 'extensionKiB' => bench_mapped_kib($pid, $extension)];
    }
    return $rss;
}

/**
 * What each worker that served requests holds more than it did at the baseline, in KiB of one of
 * bench_rss()'s fields.
 *
 * @return array<int, int> by pid
 */
function rss_added(array $baseline, array $now, array $served, string $field): array
{
    $added = [];
    foreach ($now as $pid => $rss) {
        if (isset($baseline[$pid], $served[$pid])) {
            $added[$pid] = $rss[$field] - $baseline[$pid][$field];
        }
    }
    return $added;
}

/**
 * Starts strace on the given processes, all their threads included, logging every fcntl() with
 * timestamps: SQLite takes the WAL write lock (a lock on byte 120 of the -shm file) for every
 * write transaction, an empty one as well. Returns once every process is attached.
 *
 * @return array{0: ProcessGroup, 1: string}|null null when strace is not installed
 */
function strace_start(array $pids, string $log): ?array
{
    $strace = '/usr/bin/strace';
    if (!is_executable($strace) || $pids === []) {
        return null;
    }
    $command = [$strace, '-f', '-qq', '-ttt', '-e', 'trace=fcntl', '-o', $log];
    foreach ($pids as $pid) {
        array_push($command, '-p', (string)$pid);
    }
    $process = ProcessGroup::start($command, [1 => ['file', '/dev/null', 'w'], 2 => ['file', "$log.err", 'w']]);
    $deadline = microtime(true) + 5;
    foreach ($pids as $pid) {
        while (microtime(true) < $deadline && !preg_match('/^TracerPid:\s+[1-9]/m', (string)@file_get_contents("/proc/$pid/status"))) {
            usleep(5_000);
        }
    }
    return [$process, $log];
}

/**
 * Stops strace and returns when each write lock was taken, by whom.
 *
 * @param array{0: ProcessGroup, 1: string} $strace
 * @return list<array{0: float, 1: int}> unix time, thread id
 */
function strace_write_locks(array $strace): array
{
    [$process, $log] = $strace;
    // SIGINT: strace detaches from the pool and writes the rest of its log.
    $process->signal(SIGINT);
    $process->wait(10.0);
    $process->stop();
    $locks = [];
    $waiting = [];
    // A call another thread interrupts in the log is split in two lines: "… <unfinished ...>" and,
    // later, "<... fcntl resumed>) = 0".
    foreach (explode("\n", (string)@file_get_contents($log)) as $line) {
        if (!preg_match('/^(\d+)\s+([\d.]+) (.*)$/', $line, $m)) {
            continue;
        }
        [, $tid, $at, $call] = $m;
        $lock = str_contains($call, 'F_WRLCK, l_whence=SEEK_SET, l_start=120, l_len=1}');
        if ($lock && str_ends_with($call, ') = 0')) {
            $locks[] = [(float)$at, (int)$tid];
        } elseif ($lock && str_ends_with($call, '<unfinished ...>')) {
            $waiting[$tid] = (float)$at;
        } elseif (isset($waiting[$tid]) && str_starts_with($call, '<... fcntl resumed>')) {
            if (str_ends_with($call, ') = 0')) {
                $locks[] = [$waiting[$tid], (int)$tid];
            }
            unset($waiting[$tid]);
        }
    }
    sort($locks);
    return $locks;
}

/** The delivery daemon, with the pool's client config as its only endpoint. */
function daemon_start(string $binary, string $dir, array $config): ProcessGroup
{
    file_put_contents("$dir/deliver.json", json_encode([$config], JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES));
    chmod("$dir/deliver.json", 0600);
    return ProcessGroup::start([$binary, '--config', "$dir/deliver.json"], [1 => ['file', "$dir/daemon.out", 'a'], 2 => ['file', "$dir/daemon.err", 'a']]);
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

/** @return list<int> the processes that held the lease between $from and $to, in order */
function holders_in(Watch $watch, float $from, float $to): array
{
    $pids = array_column(array_filter($watch->holders, static fn ($h) => $h[0] >= $from && $h[0] <= $to && $h[1] !== null), 1);
    return array_values(array_unique($pids));
}

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
 * Resident memory added by sending: each worker after the traffic (and after the idle time) against
 * itself after the requests that skip the extension.
 */
function rss_summary(array $baseline, array $sent, array $idle, array $served, ?int $holder): array
{
    $added = rss_added($baseline, $sent, $served, 'rssKiB');
    $anon = rss_added($baseline, $sent, $served, 'anonKiB');
    $pss = rss_added($baseline, $sent, $served, 'pssKiB');
    $idleAdded = rss_added($baseline, $idle, $served, 'rssKiB');
    $median = static fn (array $kib): ?float => $kib === [] ? null : bench_stats(array_values($kib))['median'];
    $max = static fn (array $kib): ?int => $kib === [] ? null : max($kib);
    return [
        'workers' => count($added),
        'baselineMedianKiB' => $median(array_column(array_intersect_key($baseline, $added), 'rssKiB')),
        'addedMedianKiB' => $median($added),
        'addedMaxKiB' => $max($added),
        'addedHolderKiB' => $holder !== null ? ($added[$holder] ?? null) : null,
        'addedAnonMedianKiB' => $median($anon),
        'addedAnonMaxKiB' => $max($anon),
        'addedExtensionFileMedianKiB' => $median(rss_added($baseline, $sent, $served, 'extensionKiB')),
        'addedPssMedianKiB' => $median($pss),
        'addedPssMaxKiB' => $max($pss),
        'addedIdleMaxKiB' => $max($idleAdded),
    ];
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

// ---------------------------------------------------------------------------------------------

bench_require_extension();
$args = bench_args();
$dir = (string)$args['dir'];
@mkdir($dir, 0700, true);
$external = $args['delivery'] === 'external';
$config = [
    'endpointId' => $args['endpointId'],
    'secretKey' => $args['secretKey'],
    'baseUrl' => $args['baseUrl'],
    'outbox' => "$dir/outbox.sqlite",
    'timeout' => 10.0,
];
// This process only looks (outboxStats()): it starts no delivery, so no thread.
$observer = bench_client($config);
$observer->outboxStats();
putenv('MINDBOX_EXTENSION=' . $args['extension']);
$daemon = $external ? daemon_start((string)$args['daemon'], $dir, $config) : null;
$daemonPid = $daemon?->pid;
$settings = ['pm.max_children' => (string)$args['workers'], 'pm.max_requests' => (string)$args['maxRequests']];
if ($external) {
    $settings['php_admin_value[mindbox.delivery]'] = 'external';
}
$pool = new FpmPool($dir, $config, $settings);
$traffic = new Traffic($pool->port, 1.0 / (float)$args['rate']);
$watch = new Watch($pool, $daemonPid, $observer, $config['outbox']);
$result = ['workers' => (int)$args['workers'], 'delivery' => $args['delivery'], 'maxRequests' => (int)$args['maxRequests']];

// 1. The memory baseline: every worker serves the same requests, without the extension's work.
$baselineRss = [];
if ($args['baselineSeconds'] > 0) {
    run_until($traffic, $watch, 'dry', (float)$args['baselineSeconds']);
    $baselineRss = workers_rss($watch->workers(), (string)$args['extension']);
}

// 2. Warm-up: every worker opens the outbox and starts what it keeps running.
run_until($traffic, $watch, 'send', (float)$args['warmupSeconds']);
$firstEvent = count($traffic->events);

// 3. The window, with the SIGKILL of the holder in it if asked for.
$kill = null;
$killAt = $args['killAt'] === null ? null : microtime(true) + (float)$args['killAt'];
$killer = static function (float $now) use (&$kill, &$killAt, $watch): void {
    if ($killAt === null || $now < $killAt) {
        return;
    }
    $holder = $watch->holderNow();
    $kill = ['at' => microtime(true), 'pid' => $holder];
    if ($holder !== null) {
        posix_kill($holder, SIGKILL);
    }
    $killAt = null;
};
$w0 = $watch->snapshot();
run_until($traffic, $watch, 'send', (float)$args['seconds'], null, $killer);
$w1 = $watch->snapshot();
$trafficEnd = $w1['t'];
$sentRss = workers_rss($watch->workers(), (string)$args['extension']);
$window = array_slice($traffic->events, $firstEvent);

// 4. The drain (every event sent is settled), then the idle pool. strace attaches before the drain,
// so that a thread its attaching may wake does so while the drain is not counted yet.
$strace = $args['idleSeconds'] > 0 ? strace_start([...$watch->workers(), ...($daemonPid === null ? [] : [$daemonPid])], "$dir/strace.log") : null;
$watch->holderEvery = 0.01;
$drainSeconds = run_until($traffic, $watch, null, 120, static fn () => $observer->outboxStats()['pending'] === 0);
$drainedAt = microtime(true);
$idle = null;
$idleRss = [];
if ($args['idleSeconds'] > 0) {
    $commitsBefore = count($watch->commits);
    $holdersBefore = count($watch->holders);
    run_until($traffic, $watch, null, (float)$args['idleSeconds']);
    $locks = $strace === null ? null : strace_write_locks($strace);
    $idle = idle_summary($watch, $commitsBefore, $holdersBefore, $locks, $trafficEnd, $drainedAt) + ['seconds' => (float)$args['idleSeconds']];
    $idleRss = workers_rss($watch->workers(), (string)$args['extension']);
}
$pool->stop();
$daemon?->stop();

// 5. What Mindbox received, and the figures.
['received' => $received, 'duplicates' => $duplicates] = bench_received_by_transaction((string)$args['baseUrl']);
$times = array_values($received);
sort($times);
$delivered = count(array_filter($times, static fn ($t) => $t >= $w0['t'] && $t <= $w1['t']));
$holders = holders_in($watch, $w0['t'], $w1['t']);
$result += [
    'windowSeconds' => $w1['t'] - $w0['t'],
    'requests' => array_sum($traffic->requestsByPid),
    'failedRequests' => $traffic->failed,
    'workersServed' => count($traffic->requestsByPid),
    'requestsPerWorker' => bench_summary(array_values($traffic->requestsByPid)) + ['min' => min($traffic->requestsByPid ?: [0])],
    'eventsInWindow' => count($window),
    'deliveredInWindow' => $delivered,
    'lost' => count(array_diff(array_column($traffic->events, 0), array_keys($received))),
    'duplicates' => $duplicates,
    'drainSeconds' => $drainSeconds,
    'latencyMs' => delivery_latency($window, $received),
    'sendMs' => bench_summary(array_map(static fn ($e) => $e[2] / 1000, $window)),
    'cpu' => cpu_summary($w0, $w1, $holders, $delivered, $daemonPid !== null),
    'threads' => threads_summary($watch, $w0, $w1, $daemonPid, $delivered, (bool)($args['pidNamespace'] ?? false)),
];
if ($baselineRss !== []) {
    $result['rss'] = rss_summary($baselineRss, $sentRss, $idleRss, $traffic->requestsByPid, $holders[0] ?? null);
}
if ($idle !== null) {
    $result['idle'] = $idle;
}
if ($kill !== null) {
    $result['kill'] = kill_summary($kill, $watch, $times, $trafficEnd);
}
bench_emit($result);
