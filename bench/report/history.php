<?php

declare(strict_types=1);

/**
 * 9. The history export: rows a second of the extension's CSV writer against a plain fputcsv() loop, and the module's
 * export end to end, its memory at two sizes.
 */

/** What the extension's writer must do against the fputcsv() loop. */
const REPORT_HISTORY_TIMES_FPUTCSV = 3;

/** Flat in the number of rows: the export's peak memory at the largest size at most this share over the smallest's. */
const REPORT_HISTORY_FLAT_SHARE = 0.10;

const REPORT_HISTORY_WAYS = [
    'fputcsv' => 'a plain PHP fputcsv() loop (no kinds, one file, no fsync)',
    'ext' => "the extension's MindboxCsvWriter, write() a page",
];

const REPORT_HISTORY_ENTITIES = [
    'customers' => "customers' rows (DirectCrm.Customers.Import)",
    'orders' => "order lines (RetailOrder.Import)",
];

function rows_rate(?float $v): string
{
    return $v === null ? '—' : number_format($v) . ' rows/s';
}

function report_history_rows(ReportTable $t): void
{
    foreach (array_keys(REPORT_HISTORY_ENTITIES) as $entity) {
        report_history_write_rows($t, $entity);
    }
    $sizes = array_map('intval', $t->config['historyJobLines'] ?? []);
    foreach ($sizes as $lines) {
        report_history_job_speed_row($t, $lines);
    }
    foreach ($sizes as $lines) {
        report_history_job_memory_row($t, $lines, min($sizes));
    }
}

function report_history_write_rows(ReportTable $t, string $entity): void
{
    $r = $t->get("history:write:$entity");
    if ($r === null) {
        return;
    }
    $php = $r['ways']['fputcsv']['writeRate'];
    foreach (REPORT_HISTORY_WAYS as $way => $title) {
        $w = $r['ways'][$way];
        $what = sprintf(
            "history export's CSV, %s %s of %d columns, throughput: %s (rounds: %s; file %s)",
            number_format($r['rows']),
            REPORT_HISTORY_ENTITIES[$entity],
            $w['columns'],
            $title,
            implode(', ', array_map(static fn (float $rate) => number_format($rate), $w['rates'])),
            mb($w['bytes'] / 1024)
        );
        if ($way === 'fputcsv') {
            $t->row($what, '', rows_rate($w['writeRate']), '—', '1×');
            continue;
        }
        $ratio = $w['writeRate'] / $php;
        $t->row($what, '', rows_rate($w['writeRate']), '—', compare($ratio, 'faster', 'slower'), sprintf('≥ %d× the fputcsv() loop', REPORT_HISTORY_TIMES_FPUTCSV), verdict($ratio >= REPORT_HISTORY_TIMES_FPUTCSV, times($ratio) . ' the loop'));
    }
}

function report_history_job_speed_row(ReportTable $t, int $lines): void
{
    $r = $t->get("history:job:$lines");
    if ($r === null) {
        return;
    }
    $t->row(sprintf(
        "history export end to end, HistoryJob::run() dry run on the fake core, %s order lines of %s orders: %s customers of %s users at %s, then the order lines (%s pages of %s; CPU %s in all, the fake core's records made apart %s); parts %s (customers, gzip) and %s (orders)",
        number_format($lines),
        number_format($r['orders']),
        number_format($r['customers']),
        number_format($r['users']),
        rows_rate($r['customerRate']),
        number_format($r['pages']),
        number_format($r['pageSize']),
        duration($r['cpuSeconds']),
        duration($r['seedSeconds']),
        mb($r['customerBytes'] / 1024),
        mb($r['orderBytes'] / 1024)
    ), '', rows_rate($r['lineRate']), '—', '—');
}

/** The export's peak memory; at the largest size against the smallest's: flat in the number of rows. */
function report_history_job_memory_row(ReportTable $t, int $lines, int $smallest): void
{
    $r = $t->get("history:job:$lines");
    if ($r === null) {
        return;
    }
    $what = sprintf(
        "history export end to end, %s order lines, peak memory (VmHWM of the process; the run's own over the shop set up %s; PHP's heap %s, the run's own %s)",
        number_format($lines),
        plus_mb($r['runRssKiB']),
        mb($r['phpPeakBytes'] / 1024),
        plus_mb($r['runHeapBytes'] / 1024)
    );
    $first = $lines === $smallest ? null : $t->get("history:job:$smallest", 'hwmKiB');
    if ($first === null) {
        $t->row($what, '', mb($r['hwmKiB']), '—', '—');
        return;
    }
    $limit = $first * (1 + REPORT_HISTORY_FLAT_SHARE);
    $t->row(
        sprintf('%s; %s from %s lines', $what, plus_mb($r['hwmKiB'] - $first), number_format($smallest)),
        '',
        mb($r['hwmKiB']),
        '—',
        '—',
        sprintf('flat in the rows: ≤ +%d %% over %s lines\'', (int)round(100 * REPORT_HISTORY_FLAT_SHARE), number_format($smallest)),
        verdict($r['hwmKiB'] <= $limit, over($r['hwmKiB'], $limit))
    );
}

/** How the history rows were measured, when the run has them. */
function report_history_notes(ReportTable $t): array
{
    if (preg_grep('/^history:/', array_keys($t->scenarios)) === []) {
        return [];
    }
    return ['', sprintf(
        'History rows: the writer\'s rows are those the module writes, its columns and values: a shop on the tests\' fake Bitrix core with the module installed (bench/history/shop.php: users with Cyrillic names, names holding the delimiter, the qualifier and a TAB, phones good and bad, birthdays, inactive and technical users; orders of one to four lines, guests\', cancelled, fractional quantities, discounts, delivery), read a page at a time by the module\'s readers and mapped by its mappers (CustomerRow, OrderRows) from %s users or orders (bench/history/sample.php), each page\'s rows a batch, every row holding every column in order; the batches are written over again until the count. '
        . 'Each way runs in a fresh PHP process of its own (bench/history_writer.php) with the extension and the fake core loaded, %d rounds taking turns; a row gives the run at the median rate and every round\'s rate. '
        . 'Throughput: the rows over the time spent in the way\'s own calls (opening, every batch, closing). The extension\'s writer applies the columns\' kinds (money and quantities rounded, phones normalised, e-mails trimmed, booleans), cuts the parts at the run\'s limits and seals each with fdatasync and a rename, as the module opens it but without gzip; the fputcsv() loop writes the values as PHP prints them to one file (the same delimiter, CRLF, RFC 4180 quoting) and leaves it in the page cache: it does less. '
        . 'End to end: HistoryJob::run() of a dry run (every part written, none sent) as the command line runs it, customers then orders, the module\'s defaults (pages of %s records, customers\' parts in gzip), in a fresh PHP process (bench/history_job.php), a user for every %d order lines; the fake core holds only the page being read and the next (each made just before the reader needs it and dropped once read, the time spent on it measured and left out of the rates), so that the memory is the run\'s, not a shop\'s records. '
        . 'Memory: VmHWM, the process\'s peak resident memory, the target\'s figure; the run\'s own is the peak less the resident memory once the shop is set up (the peaks reset there: memory_reset_peak_usage(), 5 written to /proc/self/clear_refs). '
        . 'The rates over an in-memory fake core tell what the module costs, not what a shop\'s database adds, and have no target.',
        number_format((int)($t->config['historyWriteSample'] ?? 0)),
        (int)($t->config['historyWriteRounds'] ?? 0),
        number_format((int)(array_values(array_filter(array_map(static fn ($lines) => $t->get("history:job:$lines", 'pageSize'), $t->config['historyJobLines'] ?? [])))[0] ?? 0)),
        (int)round(1 / max(1e-9, (float)($t->config['historyJobUsersPerLine'] ?? 0.1)))
    )];
}
