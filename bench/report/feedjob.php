<?php

declare(strict_types=1);

/** 8. The product feed, the module's generator end to end (FeedJob) on the fake catalogue: its rate, steps and memory. */

/**
 * The PHP heap a run in steps may add, in decimal MB: half of PHP's default memory_limit (128M), as its steps run inside
 * a visitor's hit or the admin page's request, under the web server's limit, beside the Bitrix core the hit loads.
 */
const REPORT_FEED_JOB_HEAP_MB = 64;

function report_feed_job_rows(ReportTable $t): void
{
    $sizes = array_map('intval', $t->config['feedJobProducts'] ?? []);
    if ($sizes === []) {
        return;
    }
    $largest = max($sizes);
    foreach ($sizes as $n) {
        report_feed_job_speed_row($t, $n);
    }
    report_feed_job_steps_row($t, $largest);
    foreach ($sizes as $n) {
        report_feed_job_memory_row($t, "feed:job:$n", 'FeedJob::run()');
    }
    report_feed_job_memory_row($t, "feed:job-steps:$largest", 'the run in steps');
}

function report_feed_job_speed_row(ReportTable $t, int $n): void
{
    $r = $t->get("feed:job:$n");
    if ($r === null) {
        return;
    }
    $assemble = $r['assembleSeconds'];
    $t->row(sprintf(
        "product feed, the module's generator end to end, FeedJob::run() on the fake catalogue, %s products: %s offers from %s of %s products (reading and mapping %s, then writing %s: %s; CPU %s in all); file %s",
        number_format($n),
        number_format($r['offers']),
        report_feed_job_count($r['pages'], 'page'),
        number_format($r['pageSize']),
        duration($r['mapSeconds']),
        duration($assemble),
        $assemble > 0 ? offers_rate($r['offers'] / $assemble) : '—',
        duration($r['cpuSeconds']),
        mb($r['bytes'] / 1024)
    ), '', offers_rate($r['rate']), '—', '—');
}

function report_feed_job_steps_row(ReportTable $t, int $n): void
{
    $r = $t->get("feed:job-steps:$n");
    if ($r === null) {
        return;
    }
    $whole = $t->get("feed:job:$n", 'seconds');
    $t->row(sprintf(
        "product feed, the module's generator in steps (the agent inside visitors' hits, the admin page's button): FeedJob::start(), then step(%.1f) until done, %s products: %s, %s in all (CPU %s)%s",
        $r['stepSeconds'],
        number_format($n),
        report_feed_job_count($r['steps'], 'step'),
        duration($r['seconds']),
        duration($r['cpuSeconds']),
        $whole ? sprintf(', %+.0f %% against one run()', 100 * ($r['seconds'] / $whole - 1)) : ''
    ), '', offers_rate($r['rate']), '—', '—');
}

/** "1 page", "20 pages" */
function report_feed_job_count(int $n, string $noun): string
{
    return number_format($n) . " $noun" . ($n === 1 ? '' : 's');
}

/** The PHP heap the run added to the fake catalogue's; against the ceiling for the run in steps. */
function report_feed_job_memory_row(ReportTable $t, string $key, string $title): void
{
    $r = $t->get($key);
    if ($r === null) {
        return;
    }
    $what = sprintf(
        "product feed, the module's generator, %s products, peak memory of %s over the fake catalogue's (the catalogue, installed before the run: PHP heap %s, resident %s; the run's VmHWM over it %s, the whole process's %s): PHP heap",
        number_format($r['products']),
        $title,
        mb($r['catalogueHeapBytes'] / 1024),
        mb($r['catalogueRssKiB']),
        plus_mb($r['runRssKiB']),
        mb($r['hwmKiB'])
    );
    $heap = plus_mb($r['runHeapBytes'] / 1024);
    if ($r['stepSeconds'] === null) {
        $t->row($what, '', $heap, '—', '—');
        return;
    }
    $limit = REPORT_FEED_JOB_HEAP_MB * 1e6;
    $t->row($what, '', $heap, '—', '—', sprintf("≤ %d MB (half of PHP's default memory_limit)", REPORT_FEED_JOB_HEAP_MB), verdict($r['runHeapBytes'] <= $limit, over($r['runHeapBytes'], $limit)));
}

/** How the generator's rows were measured, when the run has them. */
function report_feed_job_notes(ReportTable $t): array
{
    if (preg_grep('/^feed:job/', array_keys($t->scenarios)) === []) {
        return [];
    }
    return ['', sprintf(
        'Feed generator rows: a shop on the tests\' fake Bitrix core (tests/support/fakes) with the module installed and the feed of one site set up as the module\'s feed tests set it up (params, vendor, vendorCode; pages of %s products, no gzip), and the tests\' seeded catalogue (FakeCatalogue: every third product with one to three SKUs, several sections a product, unicode, & < > and control characters, descriptions over 10,000 characters, inactive and unpriced products, discounts), each size in a fresh PHP process of its own (bench/feed_job.php) as cron runs it, without a request. '
        . 'The time is from FeedJob::run() (or start()) to the summary, on the wall clock: the reading and mapping until the last page\'s progress, the writing after it (the staged offers through MindboxFeedWriter, its fsync and rename). '
        . 'The catalogue lives in the PHP process, where a shop\'s lives in its database, and the fake core answers each query by scanning all of it: the rate falls as the catalogue grows and tells what the module costs over an in-memory core, not what a shop\'s database adds; it has no target. '
        . 'Memory: the heap (memory_get_usage(true)) and VmRSS are read after the catalogue is installed, the peaks reset there (memory_reset_peak_usage(), and 5 written to /proc/self/clear_refs for VmHWM); the run\'s own memory is the peak after the run less the figure before it. '
        . 'Steps: one process calls start() and then step(%.1f) until the run ends, each step saving the run\'s state and the next reloading it as a step in another request would (a real site also pays a request\'s start for each). '
        . 'Their target, %d MB of PHP heap over the catalogue\'s, is half of PHP\'s default memory_limit (128M): a step runs inside a visitor\'s hit or the admin page\'s request, under the web server\'s limit, beside the Bitrix core the hit loads; the run\'s heap includes the fake core\'s own query results, as a real core\'s would be.',
        number_format((int)($t->config['feedJobPageSize'] ?? 0)),
        (float)($t->config['feedJobStepSeconds'] ?? 0),
        REPORT_FEED_JOB_HEAP_MB
    )];
}
