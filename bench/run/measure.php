<?php

declare(strict_types=1);

/** How a scenario is measured, and what the machine did meanwhile. */

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
        'commit' => trim((string)shell_exec('git -C ' . escapeshellarg(dirname(__DIR__, 2)) . ' rev-parse --short HEAD 2>/dev/null')),
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
