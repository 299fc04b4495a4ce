<?php

declare(strict_types=1);

/**
 * The module's feed generator end to end, in a PHP process of its own: a shop on the tests' fake Bitrix core with the
 * module installed and the feed of site s1 set up as the module's feed tests set it up (tests/module/FeedTestCase.php),
 * a fake catalogue of n products (FakeCatalogue, tests/support/fakes/catalogue.php), then FeedJob::run() as cron and
 * the command line run it; or, with stepSeconds, start() and step(stepSeconds) until the run ends, as the agent inside
 * visitors' hits and the admin page's button run it (each step saves the run's state and the next one reloads it).
 *
 *     php -d extension=… bench/feed_job.php '{"products":20000,"seed":1,"pageSize":1000,"stepSeconds":null}'
 *
 * The fake catalogue lives in this process's memory, where a shop's lives in its database: the heap and the resident
 * memory are read once it is installed, and the peaks reset there (memory_reset_peak_usage(), and "5" written to
 * /proc/self/clear_refs for VmHWM), so that the run's own peaks stand apart from the catalogue's. Prints one JSON line.
 */

use Bitrix\Currency\CurrencyTable;
use Bitrix\Main\SiteTable;
use MindboxTests\Bitrix\Fakes\FakeCatalogue;
use MindboxTests\Bitrix\Fakes\FakeShop;
use Rustbox\Mindbox\Feed\FeedJob;
use Rustbox\Mindbox\Feed\RunState;

require __DIR__ . '/lib.php';
require dirname(__DIR__) . '/tests/support/fakes/core.php';

/** The feed's options, but for the page size (an argument). */
const BENCH_FEED_JOB_SETUP = [
    'feed_enabled' => 'Y',
    'feed_iblock_id' => '2',
    'feed_params' => 'COLOR_REF,MATERIAL,SIZES_CLOTHES',
    'feed_vendor_property' => 'BRAND',
    'feed_vendor_code_property' => 'ARTNUMBER',
];

/** @return array{heapBytes: int, rssKiB: int} */
function bench_feed_job_memory(): array
{
    gc_collect_cycles();
    return ['heapBytes' => memory_get_usage(true), 'rssKiB' => bench_rss()['rssKiB']];
}

$args = bench_args();
$products = (int)$args['products'];
$stepSeconds = isset($args['stepSeconds']) ? (float)$args['stepSeconds'] : null;
bench_require_extension();
if (FakeCatalogue::PRODUCTS_IBLOCK !== (int)BENCH_FEED_JOB_SETUP['feed_iblock_id']) {
    bench_fail('the feed is set up for another information block than the fake catalogue\'s');
}

$shop = FakeShop::open(['s1' => 'Shop']);
try {
    $shop->installModule();
    SiteTable::fakeSet('s1', ['SERVER_NAME' => 'shop.example']);
    CurrencyTable::fakeAdd(['CURRENCY' => 'RUB', 'AMOUNT' => '1', 'AMOUNT_CNT' => 1, 'BASE' => 'Y', 'SORT' => 10]);
    CurrencyTable::fakeAdd(['CURRENCY' => 'USD', 'AMOUNT' => '80.4567', 'AMOUNT_CNT' => 1, 'SORT' => 20]);
    $shop->configure(BENCH_FEED_JOB_SETUP + ['feed_page_size' => (string)$args['pageSize']], 's1');
    // Cron's hit: no visitor's request.
    $shop->leaveRequest();

    $empty = bench_feed_job_memory();
    $t = hrtime(true);
    FakeCatalogue::install($products, (int)$args['seed']);
    $installSeconds = (hrtime(true) - $t) / 1e9;
    $installed = bench_feed_job_memory();
    memory_reset_peak_usage();
    if (@file_put_contents('/proc/self/clear_refs', '5') === false) {
        throw new RuntimeException('cannot reset VmHWM (/proc/self/clear_refs)');
    }

    $pages = 0;
    $mapEnded = null;
    $progress = static function (int $done, int $total, string $phase) use (&$pages, &$mapEnded): void {
        if ($phase === RunState::MAP) {
            $pages++;
            $mapEnded = hrtime(true);
        }
    };
    $job = FeedJob::forSite('s1');
    $steps = 0;
    $cpu0 = bench_cpu();
    $t = hrtime(true);
    if ($stepSeconds === null) {
        $summary = $job->run($progress);
    } else {
        $job->start();
        do {
            $steps++;
            $status = $job->step($stepSeconds, $progress);
        } while ($status['running']);
        $summary = $job->lastRun();
    }
    $seconds = (hrtime(true) - $t) / 1e9;
    $cpu = bench_cpu() - $cpu0;
    $memory = bench_rss();
    $heapPeak = memory_get_peak_usage(true);
    $mapSeconds = $mapEnded === null ? null : ($mapEnded - $t) / 1e9;
} finally {
    $shop->close();
}
if (!($summary['ok'] ?? false)) {
    bench_fail('the feed was not made: ' . implode('; ', $summary['errors'] ?? ['no summary']));
}

bench_emit([
    'products' => $products,
    'stepSeconds' => $stepSeconds,
    'steps' => $steps,
    'pages' => $pages,
    'pageSize' => (int)$args['pageSize'],
    'offers' => $summary['offers'],
    'skipped' => array_sum($summary['skipped']),
    'descriptionsCut' => $summary['descriptionsCut'],
    'bytes' => $summary['bytes'],
    'installSeconds' => $installSeconds,
    'seconds' => $seconds,
    'cpuSeconds' => $cpu,
    // The map phase until its last page's progress; the rest (the empty page that ends it, the offers written) is the
    // assembly.
    'mapSeconds' => $mapSeconds,
    'assembleSeconds' => $mapSeconds === null ? null : $seconds - $mapSeconds,
    'rate' => $summary['offers'] / $seconds,
    'catalogueHeapBytes' => $installed['heapBytes'] - $empty['heapBytes'],
    'catalogueRssKiB' => $installed['rssKiB'] - $empty['rssKiB'],
    'runHeapBytes' => $heapPeak - $installed['heapBytes'],
    'runRssKiB' => $memory['hwmKiB'] - $installed['rssKiB'],
    'hwmKiB' => $memory['hwmKiB'],
    'phpPeakBytes' => $heapPeak,
]);
