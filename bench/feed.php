<?php

declare(strict_types=1);

/**
 * One way of writing the product feed (bench/feed/ways.php), in a PHP process of its own so that its peak memory is
 * its own: n offers made in batches by the same generator for every way (bench/feed/offers.php), the time spent making
 * them and the time spent writing them counted apart. The way "gen" makes the offers and drops them: the generator's
 * own cost.
 *
 *     php -d extension=… bench/feed.php '{"way":"ext","n":100000,"batch":1000,"path":"…/feed.yml",
 *         "progress":"…/feed.progress","reserveKiB":2400000}'
 *
 * A way that needs more memory than the machine has (the DOM way at a million offers may) is stopped once the memory
 * available falls under reserveKiB, and says so, rather than pushing the machine into the kernel's OOM killer; the
 * offers done so far are written to the progress file after each batch, for the benchmark to tell if the process dies
 * anyway. Prints one JSON line.
 */

require __DIR__ . '/lib.php';
require __DIR__ . '/feed/offers.php';
require __DIR__ . '/feed/ways.php';

$args = bench_args();
$key = (string)$args['way'];
$n = (int)$args['n'];
$batchSize = (int)$args['batch'];
$path = (string)$args['path'];
$progress = (string)$args['progress'];
$reserveKiB = (int)$args['reserveKiB'];

$way = $key === 'gen' ? null : bench_feed_way($key);
$availableAtStart = bench_meminfo_kib('MemAvailable');
$lowestAvailable = $availableAtStart;
$generating = 0;
$writing = 0;
$cpu0 = bench_cpu();
$t = hrtime(true);
$way?->start($path, bench_feed_shop(), bench_feed_currencies(), bench_feed_categories());
$writing += hrtime(true) - $t;

$done = 0;
$stopped = null;
while ($done < $n) {
    $t = hrtime(true);
    $batch = bench_feed_offers($done, min($batchSize, $n - $done));
    $generating += hrtime(true) - $t;
    if ($way !== null) {
        $t = hrtime(true);
        $way->offers($batch);
        $writing += hrtime(true) - $t;
    }
    $done += count($batch);
    file_put_contents($progress, (string)$done);
    $available = bench_meminfo_kib('MemAvailable');
    $lowestAvailable = min($lowestAvailable, $available);
    if ($available < $reserveKiB && $done < $n) {
        $stopped = sprintf(
            'stopped at %s offers of %s: the machine had %.0f MB of memory left (%.0f MB are kept for the others)',
            number_format($done),
            number_format($n),
            $available * 1024 / 1e6,
            $reserveKiB * 1024 / 1e6
        );
        break;
    }
}
$bytes = 0;
if ($way !== null && $stopped === null) {
    $t = hrtime(true);
    $bytes = $way->finish();
    $writing += hrtime(true) - $t;
}
$memory = bench_rss();

bench_emit([
    'way' => $key,
    'offers' => $done,
    'finished' => $stopped === null,
    'stopped' => $stopped,
    'writeSeconds' => $writing / 1e9,
    'generateSeconds' => $generating / 1e9,
    'cpuSeconds' => bench_cpu() - $cpu0,
    'writeRate' => $writing > 0 ? $done / ($writing / 1e9) : null,
    'generateRate' => $generating > 0 ? $done / ($generating / 1e9) : null,
    'bytes' => $bytes,
    'hwmKiB' => $memory['hwmKiB'],
    'rssKiB' => $memory['rssKiB'],
    'phpPeakBytes' => memory_get_peak_usage(true),
    'availableAtStartKiB' => $availableAtStart,
    'lowestAvailableKiB' => $lowestAvailable,
]);
