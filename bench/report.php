<?php

declare(strict_types=1);

/**
 * The aggregator: turns bench/run.php's JSON into one table (median, p99, the ratio to the PHP
 * way, the target and whether it is met), prints it, writes it as markdown, and optionally puts
 * it into the README's Benchmarks section (between the bench:start and bench:end markers).
 *
 *     php bench/report.php results.json bench/results.md [--readme README.md]
 */

require __DIR__ . '/lib.php';
require __DIR__ . '/report/format.php';
require __DIR__ . '/report/table.php';
require __DIR__ . '/report/wait.php';
require __DIR__ . '/report/delivery.php';
require __DIR__ . '/report/faults.php';
require __DIR__ . '/report/fpm.php';
require __DIR__ . '/report/cost.php';
require __DIR__ . '/report/notes.php';
require __DIR__ . '/report/feed.php';
require __DIR__ . '/report/feedjob.php';
require __DIR__ . '/report/history.php';

[$in, $md] = [$argv[1] ?? '', $argv[2] ?? ''];
$readme = null;
if (($argv[3] ?? '') === '--readme') {
    $readme = $argv[4] ?? null;
}
$data = json_decode((string)@file_get_contents($in), true);
if (!is_array($data) || $md === '') {
    bench_fail('usage: php bench/report.php results.json results.md [--readme README.md]');
}

$t = new ReportTable($data['scenarios'], $data['config']);
report_call_rows($t);
report_send_rows($t);
report_delivery_rows($t);
report_outage_rows($t);
report_recovery_row($t);
report_fault_rows($t);
report_fpm_rows($t);
report_fpm_kill_row($t);
report_cpu_rows($t);
report_memory_rows($t);
report_disk_row($t);
report_feed_rows($t);
report_feed_job_rows($t);
report_history_rows($t);
$table = implode("\n", [...report_head($data, $t->config), ...report_table($t), ...report_notes($data, $t), ...report_fault_notes($t), ...report_feed_notes($t), ...report_feed_job_notes($t), ...report_history_notes($t), ...report_footer($t)]) . "\n";

echo $table;
file_put_contents($md, "# Benchmark results\n\nWritten by `bash scripts/bench.sh` (bench/run.php, bench/report.php).\n\n" . $table);
fwrite(STDERR, "written: $md\n");

if ($readme !== null) {
    report_into_readme($readme, $table);
}
