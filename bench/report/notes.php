<?php

declare(strict_types=1);

/** The text around the rows: the run, the table itself and the notes on its rows. */

/** The run: the machine, the scale and the operation mix. */
function report_head(array $data, array $config): array
{
    $lines = [];
    $m = $data['machine'];
    $machine = sprintf(
        '%d CPUs (%s), %.0f GiB memory; %s, kernel %s; PHP %s, curl %s; %s; commit %s',
        $m['nproc'],
        $m['cpu'],
        $m['memoryGiB'],
        $m['os'],
        $m['kernel'],
        $m['php'],
        $m['curl'],
        $m['rustc'],
        $m['commit']
    );
    $mix = implode(', ', array_map(static fn ($h, $p) => BENCH_OPERATION_NAMES[$h] . " $p %", array_keys(BENCH_OPERATION_MIX), BENCH_OPERATION_MIX));

    $lines[] = "Run of {$data['startedAt']} on $machine.";
    $lines[] = '';
    $lines[] = sprintf(
        'Scale %s (BENCH_SCALE), outage backlog %s events (BENCH_OUTAGE_SCALE %s of 10 min × 50/s = 30,000), real-time outage %d s (BENCH_OUTAGE_SECONDS; 600 is the full ten minutes). Operation mix: %s.',
        $config['scale'],
        number_format($config['outageEvents']),
        $config['outageScale'],
        (int)$config['outageSeconds'],
        $mix
    );
    $lines[] = '';
    return $lines;
}

/** The rows as a markdown table. */
function report_table(ReportTable $t): array
{
    $lines = [];
    $lines[] = '| # | measurement | emulator latency | median | p99 | vs the PHP way | target | |';
    $lines[] = '| ---: | --- | --- | ---: | ---: | --- | --- | --- |';
    foreach ($t->rows as $r) {
        $lines[] = '| ' . implode(' | ', array_map(static fn ($c) => str_replace('|', '\\|', (string)$c), $r)) . ' |';
    }
    return $lines;
}

/** How the throughput, MySQL and FPM rows were measured, those of them the run has. */
function report_notes(array $data, ReportTable $t): array
{
    $lines = [''];
    $lines[] = 'Throughput rows: "median" and "p99" are over 0.5 s (0 ms) or 1 s (50 ms) windows of the delivery; the p99 column is the slow tail (the rate 99 % of the windows reach). Drain and memory rows have one value.';
    if (preg_grep('/^mysql:/', array_keys($t->scenarios)) !== []) {
        $lines[] = '';
        $lines[] = sprintf(
            'MySQL rows: the same scenarios as the SQLite rows above them, the outbox in fresh tables (?prefix=) of a private %s on 127.0.0.1 over TCP (scripts/mariadb.sh; its data directory on the same file system as the SQLite files, InnoDB\'s defaults: the log flushed at every commit). '
            . 'Their "whole process" CPU is the PHP process\'s, as for SQLite; the server\'s own CPU (utime + stime of mariadbd from /proc) is given beside it.',
            $data['machine']['mysql'] ?? 'MariaDB'
        );
    }
    if (array_intersect_key($t->scenarios, fpm_variants($t->config) + ['fpmkill:50' => 1]) !== []) {
        $lines[] = '';
        $lines[] = sprintf(
            'FPM rows: a real php-fpm8.2 pool of %d static workers with the extension (on %d cores: most workers wait, as on a site at this rate), driven over FastCGI at %d requests a second, each request sending %d events with send() (Website.Register, Website.SetCart, Website.CreateOrder); measured after %d s of warm-up, the emulator at 50 ms (bench/fpm.php). '
            . 'Latency: the journal\'s receivedAt (the request\'s arrival at the emulator) less the time send() returned in the worker. '
            . 'CPU: utime + stime from /proc of a process less those of its main (PHP) thread, so the extension\'s threads alone, in 10 ms ticks; a worker that exits counts up to its last reading, at most 100 ms before. '
            . 'Threads: the pool runs in a PID namespace of its own (unshare), whose last-allocated pid counts every process and thread created in it, less the worker processes FPM started; the names come from sampling /proc/<pid>/task every 10 ms. '
            . 'Memory: VmRSS of each worker after the traffic against the same worker after %d s of the same requests that skip the extension (no client, no send()). '
            . 'Idle writes: SQLite\'s commit counter in the outbox\'s -shm header (iChange), read every 10 ms, counts the transactions that changed the file; strace on every worker (and the daemon), attached before the drain, counts the WAL write lock taken (byte 120 of the -shm file), which empty write transactions take too. '
            . 'Stall: the longest time between deliveries from the SIGKILL of the lease holder until the traffic ends (the shop kept sending, so events were pending all along).',
            $t->config['fpmWorkers'],
            $data['machine']['nproc'],
            $t->config['fpmRate'],
            $t->config['fpmEventsPerRequest'],
            $t->config['fpmWarmupSeconds'],
            $t->config['fpmBaselineSeconds']
        );
    }
    return $lines;
}

/** Which rows other processes disturbed, and how many targets were met. */
function report_footer(ReportTable $t): array
{
    $lines = [];
    $disturbed = [];
    foreach ($t->scenarios as $key => $s) {
        if (($s['foreignCpuShare'] ?? 0) > 0.15) {
            $disturbed[] = sprintf('%s (%.0f%% of a core)', $key, 100 * $s['foreignCpuShare']);
        }
    }
    if ($disturbed !== []) {
        $lines[] = '';
        $lines[] = 'Other processes used the CPUs during: ' . implode(', ', $disturbed) . '; those rows may be pessimistic.';
    }
    $met = count(array_filter($t->verdicts, static fn ($v) => $v[3] === 'met'));
    $lines[] = '';
    $lines[] = sprintf('Targets: %d of %d met.', $met, count($t->verdicts));
    return $lines;
}

/** Puts the table into the README's Benchmarks section (between the bench:start and bench:end markers). */
function report_into_readme(string $readme, string $table): void
{
        $text = (string)file_get_contents($readme);
        $start = '<!-- bench:start -->';
        $end = '<!-- bench:end -->';
        $a = strpos($text, $start);
        $b = strpos($text, $end);
        if ($a === false || $b === false || $b < $a) {
            fwrite(STDERR, "$readme has no $start … $end section: left alone\n");
        } else {
            $text = substr($text, 0, $a + strlen($start)) . "\n" . $table . substr($text, $b);
            file_put_contents($readme, $text);
            fwrite(STDERR, "updated: $readme\n");
        }
}
