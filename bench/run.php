<?php

declare(strict_types=1);

/**
 * The benchmark driver: runs every measurement against the two emulators that scripts/bench.sh
 * started (0 ms and 50 ms of added latency), each in its own PHP process, and writes the
 * summaries to a JSON file for bench/report.php.
 *
 *     BENCH_EXTENSION=… BENCH_URL_0=http://127.0.0.1:P BENCH_URL_50=http://127.0.0.1:Q \
 *     BENCH_ENDPOINT=… BENCH_SECRET=… BENCH_WORK=/tmp/dir php bench/run.php bench/results.json
 *
 * Sizes scale with BENCH_SCALE (default 1; 0.1 for a quick look); the outage backlog has its
 * own BENCH_OUTAGE_SCALE (default 1 = 30,000 events) and the real-time outage its own
 * BENCH_OUTAGE_SECONDS (default 60; 600 is the full ten minutes).
 */

require __DIR__ . '/lib.php';
require __DIR__ . '/mysql.php';
require dirname(__DIR__) . '/tests/support/fpm/FpmPool.php';

use MindboxTests\Support\ProcessGroup;

ini_set('memory_limit', '-1');

function env(string $name, ?string $default = null): string
{
    $value = getenv($name);
    if (!is_string($value) || $value === '') {
        if ($default === null) {
            bench_fail("$name is not set (scripts/bench.sh sets it)");
        }
        return $default;
    }
    return $value;
}

$out = $argv[1] ?? (__DIR__ . '/results.json');
$extension = env('BENCH_EXTENSION');
$work = env('BENCH_WORK');
$scale = (float)env('BENCH_SCALE', '1');
$outageScale = (float)env('BENCH_OUTAGE_SCALE', '1');
$outageSeconds = (float)env('BENCH_OUTAGE_SECONDS', '60');
$procs = (int)env('BENCH_PROCS', '4');
$only = array_filter(explode(',', env('BENCH_ONLY', '')));
$emulators = [
    0 => ['url' => env('BENCH_URL_0'), 'pid' => (int)env('BENCH_PID_0', '0')],
    50 => ['url' => env('BENCH_URL_50'), 'pid' => (int)env('BENCH_PID_50', '0')],
];
$account = ['endpointId' => env('BENCH_ENDPOINT'), 'secretKey' => env('BENCH_SECRET')];
// Where outbox_path() puts the outbox of the scenario being measured: 'sqlite' or 'mysql'.
$backend = 'sqlite';

$sized = static fn (int $n, int $min = 10): int => max($min, (int)round($n * $scale));
$config = [
    'scale' => $scale,
    'outageScale' => $outageScale,
    'outageSeconds' => $outageSeconds,
    'procs' => $procs,
    'syncCalls0' => $sized(2000),
    'syncCalls50' => $sized(200),
    'sends' => $sized(20000),
    'pacedSends' => $sized(1000),
    'pacedRate' => 100,
    'coldProcesses' => $sized(20, 3),
    'delivery0' => $sized(20000, 100),
    'delivery50' => $sized(3000, 100),
    'oneOperation50' => $sized(3000, 100),
    'outageEvents' => max(100, (int)round(30000 * $outageScale)),
    'diskEvents' => $sized(100000, 1000),
    'memoryCheckpoints' => array_values(array_unique([$sized(1000, 100), $sized(10000, 200), $sized(50000, 500), $sized(100000, 1000)])),
    'recoveryRate' => 50,
    // The PHP-FPM pool: 16 static workers (on 2 cores: most of them wait, as on a real site at this
    // rate), 20 requests a second of 3 events each.
    'fpmWorkers' => 16,
    'fpmRate' => 20,
    'fpmEventsPerRequest' => 3,
    'fpmWarmupSeconds' => 3,
    'fpmSeconds' => max(5, (int)round(30 * $scale)),
    'fpmBaselineSeconds' => 3,
    'fpmIdleSeconds' => max(8, (int)round(30 * $scale)),
    'fpmRecycleRequests' => 20,
    // Long enough for every worker to be recycled at least once (16 × 20 requests at 20/s = 16 s).
    'fpmRecycleSeconds' => max(20, (int)round(30 * $scale)),
    'fpmKillSeconds' => max(8, (int)round(12 * $scale)),
    'fpmKillAt' => 3,
    'rateLimit' => BENCH_DEFAULT_RATE_LIMIT,
    'operationMix' => BENCH_OPERATION_MIX,
];

$results = [
    'startedAt' => gmdate('Y-m-d H:i:s') . ' UTC',
    'machine' => machine(),
    'config' => $config,
    'scenarios' => [],
];

/** @return array<string, mixed> */
function machine(): array
{
    $cpuinfo = (string)@file_get_contents('/proc/cpuinfo');
    $meminfo = (string)@file_get_contents('/proc/meminfo');
    $model = preg_match('/^model name\s*:\s*(.+)$/m', $cpuinfo, $m) ? trim($m[1]) : php_uname('m');
    $memKiB = preg_match('/^MemTotal:\s+(\d+) kB/m', $meminfo, $m) ? (int)$m[1] : 0;
    $nproc = (int)trim((string)shell_exec('nproc 2>/dev/null'));
    return [
        'nproc' => $nproc,
        'cpu' => $model,
        'memoryGiB' => round($memKiB / 1048576, 1),
        'kernel' => php_uname('r'),
        'os' => trim((string)shell_exec('. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"')),
        'php' => PHP_VERSION,
        'curl' => curl_version()['version'] ?? '?',
        'rustc' => trim((string)shell_exec('rustc --version 2>/dev/null')),
        'commit' => trim((string)shell_exec('git -C ' . escapeshellarg(dirname(__DIR__)) . ' rev-parse --short HEAD 2>/dev/null')),
        'mysql' => bench_mysql_version(),
    ];
}

/** Jiffies the whole machine spent busy, from /proc/stat. */
function machine_busy(): int
{
    $line = strtok((string)file_get_contents('/proc/stat'), "\n");
    $f = array_map('intval', array_slice(preg_split('/\s+/', (string)$line), 1));
    // user nice system idle iowait irq softirq steal
    return $f[0] + $f[1] + $f[2] + $f[5] + $f[6] + $f[7];
}

function children_cpu(): float
{
    $u = getrusage(1);
    return $u['ru_utime.tv_sec'] + $u['ru_utime.tv_usec'] / 1e6 + $u['ru_stime.tv_sec'] + $u['ru_stime.tv_usec'] / 1e6;
}

/**
 * Runs one worker script in its own PHP process and returns its JSON line.
 *
 * @param array<string, mixed> $args
 * @param list<string> $prefix a command the PHP process runs under
 * @return array<string, mixed>
 */
function worker(string $script, array $args, bool $withExtension = true, float $timeout = 900, array $prefix = []): array
{
    return workers([[$script, $args, $withExtension, $prefix]], $timeout)[0];
}

/**
 * Runs several workers at once; returns their JSON lines in order. A job's fourth element, if any,
 * is a command that the PHP process runs under (unshare …).
 *
 * @param list<array{0: string, 1: array<string, mixed>, 2: bool, 3?: list<string>}> $jobs
 * @return list<array<string, mixed>>
 */
function workers(array $jobs, float $timeout = 900): array
{
    global $extension;
    $running = [];
    foreach ($jobs as $k => $job) {
        [$script, $args, $withExtension] = $job;
        $command = [...($job[3] ?? []), PHP_BINARY, '-d', 'memory_limit=-1'];
        if ($withExtension) {
            array_push($command, '-d', "extension=$extension");
        }
        array_push($command, __DIR__ . "/$script", json_encode($args, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES));
        $process = ProcessGroup::start($command, [1 => ['pipe', 'w'], 2 => STDERR]);
        stream_set_blocking($process->pipes[1], false);
        $running[$k] = [$process, $process->pipes[1], '', $script];
    }
    $deadline = microtime(true) + $timeout;
    $results = [];
    while ($running !== []) {
        foreach ($running as $k => [$process, $pipe, $buffer, $script]) {
            $chunk = stream_get_contents($pipe);
            $running[$k][2] = $buffer .= (string)$chunk;
            if (feof($pipe) || !$process->running()) {
                $buffer .= (string)stream_get_contents($pipe);
                $code = $process->wait($timeout);
                $process->stop();
                unset($running[$k]);
                $decoded = json_decode(trim($buffer), true);
                if ($code !== 0 || !is_array($decoded)) {
                    stop_workers($running);
                    bench_fail("$script exited with $code: " . substr($buffer, 0, 500));
                }
                $results[$k] = $decoded;
            }
        }
        if ($running !== [] && microtime(true) > $deadline) {
            stop_workers($running);
            bench_fail('a worker ran past its time limit');
        }
        usleep(5_000);
    }
    ksort($results);
    return array_values($results);
}

/**
 * Ends the workers still running (after another one failed), so that none outlives the run.
 *
 * @param array<int, array{0: ProcessGroup, 1: resource, 2: string, 3: string}> $running
 */
function stop_workers(array $running): void
{
    foreach ($running as [$process]) {
        $process->stop();
    }
}

/**
 * Runs one measurement and records it; the scenarios of both backends run a second time with the
 * outbox on the MySQL server, right after their SQLite run.
 */
function scenario(string $key, string $title, callable $body): void
{
    global $backend;
    measure($key, $title, $body);
    if (bench_mysql_twin($key) && bench_mysql_url() !== null) {
        $backend = 'mysql';
        try {
            measure("mysql:$key", "MySQL: $title", $body);
        } finally {
            $backend = 'sqlite';
        }
    }
}

/**
 * Measures one scenario, with how much of the machine something else used meanwhile (another test
 * run on the same 2 cores makes a number suspect). The emulators and the MySQL server work for the
 * scenario: their CPU is not another job's.
 */
function measure(string $key, string $title, callable $body): void
{
    global $results, $emulators, $only, $out, $backend;
    if ($only !== [] && !in_array(explode(':', $key)[0], $only, true)) {
        return;
    }
    fwrite(STDERR, sprintf("  %-58s ", $title));
    $servers = static fn (): int => array_sum(array_map(static fn ($e) => (bench_proc_ticks($e['pid']) ?? 0), $emulators));
    $mysqlPid = bench_mysql_pid();
    $busy0 = machine_busy();
    $ours0 = children_cpu();
    $emu0 = $servers();
    $mysql0 = $mysqlPid > 0 ? (bench_proc_ticks($mysqlPid) ?? 0) : 0;
    $self0 = bench_cpu();
    $t0 = microtime(true);
    $summary = $body();
    $wall = microtime(true) - $t0;
    $tick = (float)BENCH_CLOCK_TICKS;
    $busy = (machine_busy() - $busy0) / $tick;
    $mysql = ($mysqlPid > 0 ? (bench_proc_ticks($mysqlPid) ?? 0) : 0) - $mysql0;
    $ours = (children_cpu() - $ours0) + (bench_cpu() - $self0) + ($servers() - $emu0 + $mysql) / $tick;
    $foreign = max(0.0, $busy - $ours);
    if ($backend === 'mysql') {
        // Per event the emulator processed in the scenario (reset at its start): the server also
        // stored and settled the warm-up's events.
        $latency = (int)explode(':', $key)[2];
        $processed = (int)bench_control($emulators[$latency]['url'], 'GET', '/stats')['processed'];
        $summary['serverCpuSeconds'] = $mysql / $tick;
        $summary['serverEvents'] = $processed;
        $summary['serverCpuMsPerEvent'] = $processed > 0 ? 1000 * $mysql / $tick / $processed : null;
    }
    $summary['wallSeconds'] = $wall;
    $summary['foreignCpuShare'] = $wall > 0 ? $foreign / $wall : 0.0;
    $summary['loadavg'] = trim(implode(' ', array_slice(explode(' ', (string)file_get_contents('/proc/loadavg')), 0, 3)));
    $results['scenarios'][$key] = $summary;
    fwrite(STDERR, sprintf(
        "%6.1f s  %s%s\n",
        $wall,
        $summary['headline'] ?? '',
        $summary['foreignCpuShare'] > 0.15 ? sprintf('  [other processes used %.0f%% of a core: rerun?]', 100 * $summary['foreignCpuShare']) : ''
    ));
    file_put_contents($out, json_encode(bench_json_safe($results), JSON_THROW_ON_ERROR | JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION));
}

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

/**
 * Runs bench/fpm.php against the 50 ms emulator: a real PHP-FPM pool under the shop's traffic, in a
 * PID namespace of its own where the machine allows one, so that the pool's thread creations count.
 *
 * @param array<string, mixed> $overrides arguments over the defaults of the configuration
 * @return array<string, mixed>
 */
function fpm_pool(string $name, array $overrides): array
{
    global $config, $work, $extension;
    reset_emulator(50);
    $prefix = pid_namespace_prefix();
    $args = $overrides + target(50, '') + [
        'dir' => "$work/$name",
        'extension' => $extension,
        'daemon' => env('BENCH_DELIVER'),
        'workers' => $config['fpmWorkers'],
        'maxRequests' => 0,
        'delivery' => 'inline',
        'rate' => $config['fpmRate'],
        'warmupSeconds' => $config['fpmWarmupSeconds'],
        'seconds' => $config['fpmSeconds'],
        'baselineSeconds' => 0,
        'idleSeconds' => 0,
        'killAt' => null,
        'pidNamespace' => $prefix !== [],
    ];
    $r = worker('fpm.php', $args, true, 600, $prefix);
    exec('rm -rf ' . escapeshellarg("$work/$name"));
    return $r;
}

/**
 * The command that starts a process in a PID namespace of its own, with its own /proc (and kills
 * what runs in it when it ends); none when this machine does not allow it (it needs root).
 *
 * @return list<string>
 */
function pid_namespace_prefix(): array
{
    static $prefix = null;
    if ($prefix === null) {
        $prefix = ['unshare', '--pid', '--fork', '--kill-child', '--mount-proc'];
        exec(implode(' ', $prefix) . ' true 2>/dev/null', $output, $code);
        if ($code !== 0) {
            fwrite(STDERR, "  (no PID namespace: the pool's thread creations are only sampled)\n");
            $prefix = [];
        }
    }
    return $prefix;
}

/** @param array<string, mixed> $r bench/fpm.php's result */
function fpm_headline(array $r): string
{
    $cpu = $r['cpu']['holderMsPerEvent'] ?? $r['cpu']['daemonMsPerEvent'] ?? $r['cpu']['workersMsPerEvent'];
    return sprintf(
        'latency p50 %.1f ms, p99 %.1f ms; send() p50 %.4f ms, p99 %.3f ms; CPU %.3f ms/event; threads %s/event',
        $r['latencyMs']['median'],
        $r['latencyMs']['p99'],
        $r['sendMs']['median'],
        $r['sendMs']['p99'],
        $cpu,
        $r['threads']['perEvent'] === null ? '?' : sprintf('%.3f', $r['threads']['perEvent'])
    );
}

fwrite(STDERR, sprintf(
    "benchmarks (scale %s, outage backlog %d events, real-time outage %d s) on %d CPUs, %s\n",
    $scale,
    $config['outageEvents'],
    (int)$outageSeconds,
    $results['machine']['nproc'],
    $results['machine']['cpu'],
));

// 1-2. The PHP way and call(), synchronous, at both latencies.
foreach ([0, 50] as $latency) {
    $n = $latency === 0 ? $config['syncCalls0'] : $config['syncCalls50'];
    scenario("phpway:$latency", "PHP way (curl, new connection) at $latency ms, $n calls", static function () use ($latency, $n) {
        reset_emulator($latency);
        $r = worker('php_way.php', target($latency, '') + ['n' => $n], false);
        $s = bench_summary($r['samplesMs']) + ['cpuMsPerEvent' => 1000 * $r['cpuSeconds'] / $r['n'], 'bodyBytes' => $r['bodyBytes']];
        $s['connections'] = bench_control($GLOBALS['emulators'][$latency]['url'], 'GET', '/stats')['mindboxConnections'];
        return $s + ['headline' => sprintf('median %.3f ms, p99 %.3f ms', $s['median'], $s['p99'])];
    });
    scenario("floor:$latency", "the emulator's own latency (curl, kept-alive) at $latency ms", static function () use ($latency, $n) {
        reset_emulator($latency);
        $r = worker('floor.php', target($latency, '') + ['n' => $n], false);
        $s = bench_summary($r['samplesMs']);
        return $s + ['headline' => sprintf('median %.3f ms, p99 %.3f ms', $s['median'], $s['p99'])];
    });
    scenario("call:$latency", "MindboxClient::call() at $latency ms, $n calls", static function () use ($latency, $n) {
        reset_emulator($latency);
        $r = worker('ext_call.php', target($latency, outbox_path('call')) + ['n' => $n]);
        $s = bench_summary($r['samplesMs']) + ['cpuMsPerEvent' => 1000 * $r['cpuSeconds'] / $r['n']];
        $s['connections'] = bench_control($GLOBALS['emulators'][$latency]['url'], 'GET', '/stats')['mindboxConnections'];
        return $s + ['headline' => sprintf('median %.3f ms, p99 %.3f ms, %d connection(s)', $s['median'], $s['p99'], $s['connections'])];
    });
}

// 3. send()/createOrder(): the shop's wait, back to back and at a steady rate.
foreach ([0, 50] as $latency) {
    $n = $config['sends'];
    scenario("send:$latency", "createOrder() back to back at $latency ms, $n sends", static function () use ($latency, $n) {
        reset_emulator($latency);
        $r = worker('ext_send.php', target($latency, outbox_path('send')) + ['mode' => 'createOrder', 'n' => $n]);
        $s = bench_summary($r['samplesMs']) + [
            'cpuMsPerEvent' => 1000 * $r['cpuSeconds'] / $r['n'],
            'threadCpuMsPerEvent' => 1000 * $r['threadCpuSeconds'] / $r['n'],
        ];
        return $s + ['headline' => sprintf('median %.4f ms, p99 %.4f ms', $s['median'], $s['p99'])];
    });
    $paced = $config['pacedSends'];
    $rate = $config['pacedRate'];
    scenario("paced:$latency", "send() of the mix at $rate/s at $latency ms, $paced sends", static function () use ($latency, $paced, $rate) {
        reset_emulator($latency);
        $r = worker('ext_send.php', target($latency, outbox_path('paced')) + ['mode' => 'mix', 'n' => $paced, 'rate' => $rate]);
        $s = bench_summary($r['samplesMs']) + [
            'cpuMsPerEvent' => 1000 * $r['cpuSeconds'] / $r['n'],
            'threadCpuMsPerEvent' => 1000 * $r['threadCpuSeconds'] / $r['n'],
        ];
        return $s + ['headline' => sprintf('median %.4f ms, p99 %.4f ms, CPU %.3f ms/event', $s['median'], $s['p99'], $s['cpuMsPerEvent'])];
    });
}
scenario('cold:0', "first createOrder() of a new process, {$config['coldProcesses']} processes", static function () use ($config) {
    reset_emulator(0);
    $path = outbox_path('cold');
    worker('ext_send.php', target(0, $path) + ['mode' => 'cold']);
    $first = [];
    $second = [];
    for ($i = 0; $i < $config['coldProcesses']; $i++) {
        $r = worker('ext_send.php', target(0, $path) + ['mode' => 'cold']);
        $first[] = $r['firstMs'];
        $second[] = $r['secondMs'];
    }
    $s = bench_summary($first) + ['second' => bench_summary($second)];
    return $s + ['headline' => sprintf('median %.3f ms, p99 %.3f ms', $s['median'], $s['p99'])];
});

// 4. Delivery with the limit lifted: one and several sending processes.
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

// 4b. A backlog drained by flush() with the limit lifted (no sends meanwhile).
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

// 4c. One operation at the default limit over the 50 ms network: can it reach Mindbox's limit?
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

// 4d. The backlog of a ten-minute outage at 50 events/s, drained with the default limit.
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

// 5. Cost: disk per 100,000 pending events, memory, CPU.
scenario('disk:0', "outbox on disk, {$config['diskEvents']} pending events", static function () use ($config) {
    $n = $config['diskEvents'];
    $path = outbox_path('disk');
    reset_emulator(0);
    outage(0);
    $fill = worker('backlog.php', target(0, $path) + ['mode' => 'fill', 'n' => $n]);
    $bytes = bench_outbox_bytes($path);
    reset_emulator(0);
    $total = array_sum($bytes);
    $s = ['events' => $n, 'bytes' => $bytes, 'bytesPer100k' => $total * 100000 / $n, 'fillSeconds' => $fill['seconds']];
    bench_remove_outbox($path);
    return $s + ['headline' => sprintf('%.1f MB per 100,000 events (db %.1f MB + WAL %.1f MB)', $s['bytesPer100k'] / 1e6, $bytes['db'] / 1e6, $bytes['wal'] / 1e6)];
});
scenario('memory:0', 'resident memory, up to ' . end($config['memoryCheckpoints']) . ' sends', static function () use ($config) {
    reset_emulator(0);
    $args = ['checkpoints' => $config['memoryCheckpoints'], 'timeout' => 600];
    $plain = worker('memory.php', target(0, '') + $args + ['mode' => 'noext'], false);
    $loaded = worker('memory.php', target(0, '') + ['mode' => 'noext', 'checkpoints' => [0]], true);
    $ext = worker('memory.php', target(0, outbox_path('memory')) + $args + ['mode' => 'ext']);
    $last = end($ext['checkpoints']);
    $first = $ext['checkpoints'][0];
    $plainLast = end($plain['checkpoints']);
    $s = [
        'plain' => $plain,
        'loadedIdle' => $loaded['start'],
        'ext' => $ext,
        'baselineKiB' => $plainLast['rssKiB'],
        'loadedKiB' => $loaded['start']['rssKiB'],
        'firstKiB' => $first['rssKiB'],
        'lastKiB' => $last['rssKiB'],
        'addedKiB' => $last['rssKiB'] - $plainLast['rssKiB'],
        'growthKiB' => $last['rssKiB'] - $first['rssKiB'],
        'cpuMsPerEvent' => 1000 * $last['cpuSeconds'] / $last['sends'],
        'pendingLeft' => $ext['pendingLeft'],
    ];
    return $s + ['headline' => sprintf(
        'PHP %.1f MB, +ext %.1f MB; after %d sends %.1f MB, after %d %.1f MB',
        $s['baselineKiB'] / 1024,
        $s['loadedKiB'] / 1024,
        $first['sends'],
        $s['firstKiB'] / 1024,
        $last['sends'],
        $s['lastKiB'] / 1024
    )];
});

// 6. A real PHP-FPM pool under a shop's traffic, against the 50 ms emulator: the extension delivering
// inline (without and with recycled workers, and with its delivering worker SIGKILLed), and the
// delivery daemon delivering (mindbox.delivery = external).
if (\MindboxTests\Support\FpmPool::binary() === null) {
    bench_fail('php-fpm8.2 is not installed (scripts/bench.sh installs it)');
}
$fpm = sprintf('%d static workers, %d requests/s × %d events', $config['fpmWorkers'], $config['fpmRate'], $config['fpmEventsPerRequest']);
scenario('fpm:50', "PHP-FPM, $fpm, inline delivery, {$config['fpmSeconds']} s + {$config['fpmIdleSeconds']} s idle", static function () use ($config) {
    $r = fpm_pool('fpm', ['baselineSeconds' => $config['fpmBaselineSeconds'], 'idleSeconds' => $config['fpmIdleSeconds']]);
    return $r + ['headline' => fpm_headline($r) . sprintf(
        '; +%.1f MB a worker; idle: %d commits, %s empty writes',
        ($r['rss']['addedMaxKiB'] ?? 0) / 1024,
        count($r['idle']['commits']),
        $r['idle']['emptyWrites'] ?? '?'
    )];
});
scenario('fpmrecycle:50', "PHP-FPM, $fpm, inline delivery, pm.max_requests = {$config['fpmRecycleRequests']}, {$config['fpmRecycleSeconds']} s", static function () use ($config) {
    $r = fpm_pool('fpmrecycle', ['maxRequests' => $config['fpmRecycleRequests'], 'seconds' => $config['fpmRecycleSeconds']]);
    return $r + ['headline' => fpm_headline($r) . sprintf('; %d workers started', $r['threads']['workersRespawned'])];
});
scenario('fpmkill:50', "PHP-FPM, $fpm, inline delivery, the holder SIGKILLed", static function () use ($config) {
    $r = fpm_pool('fpmkill', ['seconds' => $config['fpmKillSeconds'], 'killAt' => $config['fpmKillAt']]);
    $k = $r['kill'];
    return $r + ['headline' => sprintf(
        'killed %s; first delivery after %s s, longest gap %.2f s; lost %d, duplicates %d',
        $k['pid'] ?? 'nobody',
        $k['firstDeliveryAfter'] === null ? 'never' : sprintf('%.3f', $k['firstDeliveryAfter']),
        $k['longestGap'],
        $r['lost'],
        $r['duplicates']
    )];
});
scenario('fpmdaemon:50', "PHP-FPM, $fpm, the delivery daemon, {$config['fpmSeconds']} s + {$config['fpmIdleSeconds']} s idle", static function () use ($config) {
    $r = fpm_pool('fpmdaemon', ['delivery' => 'external', 'baselineSeconds' => $config['fpmBaselineSeconds'], 'idleSeconds' => $config['fpmIdleSeconds']]);
    return $r + ['headline' => fpm_headline($r) . sprintf('; worker threads ever seen %d', $r['threads']['workerThreadsSeenEver'])];
});

// The outage in real time: how soon delivery resumes once Mindbox is back. Two PHP-FPM-like
// processes send half the rate each; one of them measures.
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

$results['finishedAt'] = gmdate('Y-m-d H:i:s') . ' UTC';
file_put_contents($out, json_encode(bench_json_safe($results), JSON_THROW_ON_ERROR | JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION));
fwrite(STDERR, "raw results: $out\n");
