<?php

declare(strict_types=1);

/**
 * The module's history export end to end, in a PHP process of its own: a shop on the tests' fake Bitrix core with the
 * module installed, its history (bench/history/shop.php: users, and orders of exactly `lines` lines, made a page
 * ahead of the reader and dropped once read), then HistoryJob::run() of a dry run, customers then orders, as the
 * command line runs it: the module's readers, mappers and MindboxCsvWriter writing the parts, nothing sent.
 *
 *     php -d extension=… bench/history_job.php '{"users":100000,"lines":1000000,"directory":"…/history"}'
 *
 * The time making and dropping the fake core's records is measured apart (inside the run's progress callback, which
 * the job calls after each page) and left out of the rates. Memory: VmHWM and PHP's heap peak of the whole process
 * (the fake core holds a page or two whatever the size), and the same reset once the shop is set up (the run's own).
 * The parts are checked (rows of each entity as made) and removed. Prints one JSON line.
 */

use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\History\HistoryJob;
use Rustbox\Mindbox\History\JobState;

require __DIR__ . '/lib.php';
require __DIR__ . '/history/shop.php';
require dirname(__DIR__) . '/tests/support/fakes/core.php';

$args = bench_args();
bench_require_extension();
$shop = BenchHistoryShop::openShop((string)$args['directory']);
try {
    $settings = Settings::forSite('s1');
    $pageSize = $settings->history()->pageSize();
    $history = new BenchHistoryShop((int)$args['users'], (int)$args['lines'], $pageSize);
    $history->install($settings);
    $installed = ['heapBytes' => memory_get_usage(true), 'rssKiB' => bench_rss()['rssKiB']];
    memory_reset_peak_usage();
    if (@file_put_contents('/proc/self/clear_refs', '5') === false) {
        throw new RuntimeException('cannot reset VmHWM (/proc/self/clear_refs)');
    }

    $pages = 0;
    $customersEnded = null;
    $seededInCustomers = 0.0;
    $progress = static function (array $status) use ($history, &$pages, &$customersEnded, &$seededInCustomers): void {
        $pages++;
        $history->slide($status['read'][JobState::CUSTOMERS] ?? 0, $status['read'][JobState::ORDERS] ?? 0);
        if ($customersEnded === null && $status['phase'] !== JobState::CUSTOMERS) {
            $customersEnded = hrtime(true);
            $seededInCustomers = $history->seconds;
        }
    };
    $seededBefore = $history->seconds;
    $cpu0 = bench_cpu();
    $t = hrtime(true);
    $status = HistoryJob::forSite('s1')->run($progress, false, ['dryRun' => true]);
    $ended = hrtime(true);
    $cpu = bench_cpu() - $cpu0;
    $memory = bench_rss();
    $heapPeak = memory_get_peak_usage(true);
    $last = $status['lastRun'];
    $gzip = [JobState::CUSTOMERS => $settings->history()->isGzip(JobState::CUSTOMERS), JobState::ORDERS => $settings->history()->isGzip(JobState::ORDERS)];
    HistoryJob::forSite('s1')->cancel();
} finally {
    $shop->close();
}
if ($status['running'] || !($last['ok'] ?? false)) {
    bench_fail('the history was not exported: ' . implode('; ', $last['errors'] ?? ['the run did not end']));
}
$rows = $last['rows'];
$customers = $history->customers();
if (($rows[JobState::ORDERS] ?? 0) !== $history->lines || ($rows[JobState::CUSTOMERS] ?? 0) !== $customers) {
    bench_fail(sprintf('the parts hold %d customers and %d order lines, not %d and %d', $rows[JobState::CUSTOMERS] ?? 0, $rows[JobState::ORDERS] ?? 0, $customers, $history->lines));
}
$customersEnded ??= $ended;
$seeded = $history->seconds - $seededBefore;
$customerSeconds = ($customersEnded - $t) / 1e9 - $seededInCustomers + $seededBefore;
$orderSeconds = ($ended - $customersEnded) / 1e9 - ($history->seconds - $seededInCustomers);
$parts = static fn (string $entity): array => array_values(array_filter($last['parts'], static fn (array $p) => $p['entity'] === $entity));

bench_emit([
    'users' => $history->users,
    'orders' => $history->orders,
    'lines' => $history->lines,
    'customers' => $customers,
    'pageSize' => $pageSize,
    'pages' => $pages,
    'seconds' => ($ended - $t) / 1e9,
    'seedSeconds' => $seeded,
    'cpuSeconds' => $cpu,
    'customerSeconds' => $customerSeconds,
    'orderSeconds' => $orderSeconds,
    'customerRate' => $customers / $customerSeconds,
    'lineRate' => $history->lines / $orderSeconds,
    'customerParts' => count($parts(JobState::CUSTOMERS)),
    'orderParts' => count($parts(JobState::ORDERS)),
    'customerBytes' => array_sum(array_column($parts(JobState::CUSTOMERS), 'bytes')),
    'orderBytes' => array_sum(array_column($parts(JobState::ORDERS), 'bytes')),
    'gzip' => $gzip,
    'setupHeapBytes' => $installed['heapBytes'],
    'setupRssKiB' => $installed['rssKiB'],
    'runHeapBytes' => $heapPeak - $installed['heapBytes'],
    'runRssKiB' => $memory['hwmKiB'] - $installed['rssKiB'],
    'hwmKiB' => $memory['hwmKiB'],
    'phpPeakBytes' => $heapPeak,
]);
