<?php

declare(strict_types=1);

/**
 * One way of writing the history's CSV (bench/history/ways.php), in a PHP process of its own: n rows of one entity's
 * import, the customers' or the order lines', in the module's columns. The rows are a sample the module's readers and
 * mappers made of a history shop on the tests' fake core (bench/history/sample.php), a page a batch, written over and
 * over until n rows (the last batch cut); only the way's own calls are timed (start, every batch, finish), the files
 * removed after. Prints one JSON line.
 *
 *     php -d extension=… bench/history_writer.php '{"way":"ext","entity":"orders","n":1000000,"sample":2000,
 *         "directory":"…/history-writer"}'
 */

require __DIR__ . '/lib.php';
require __DIR__ . '/history/shop.php';
require __DIR__ . '/history/sample.php';
require __DIR__ . '/history/ways.php';
require dirname(__DIR__) . '/tests/support/fakes/core.php';

$args = bench_args();
$key = (string)$args['way'];
$entity = (string)$args['entity'];
$n = (int)$args['n'];
$directory = (string)$args['directory'];
// The module's classes and the fake core are loaded in every way's process, so that the processes differ in the way.
bench_require_extension();
if (!is_dir($directory) && !mkdir($directory, 0700, true)) {
    bench_fail("cannot make $directory");
}

$t = hrtime(true);
$sample = bench_history_sample($entity, (int)$args['sample'], $directory);
$sampleSeconds = (hrtime(true) - $t) / 1e9;
$batches = array_values(array_filter($sample['batches']));
if ($batches === []) {
    bench_fail("the sample has no $entity rows");
}
$sampleRows = array_sum(array_map('count', $batches));

$way = bench_history_way($key);
$cpu0 = bench_cpu();
$t = hrtime(true);
$way->start($directory, $entity, $sample['columns'], ['partBytes' => $sample['partBytes'], 'partRows' => $sample['partRows']]);
$writing = hrtime(true) - $t;
$done = 0;
for ($b = 0; $done < $n; $b = ($b + 1) % count($batches)) {
    $batch = count($batches[$b]) <= $n - $done ? $batches[$b] : array_slice($batches[$b], 0, $n - $done);
    $t = hrtime(true);
    $way->rows($batch);
    $writing += hrtime(true) - $t;
    $done += count($batch);
}
$t = hrtime(true);
$files = $way->finish();
$writing += hrtime(true) - $t;
$cpu = bench_cpu() - $cpu0;
array_map('unlink', $files['paths']);
if ($files['rows'] !== $n) {
    bench_fail(sprintf('%s wrote %d %s rows, not %d', $key, $files['rows'], $entity, $n));
}
$memory = bench_rss();

bench_emit([
    'way' => $key,
    'entity' => $entity,
    'rows' => $n,
    'columns' => count($sample['columns']),
    'sampleRows' => $sampleRows,
    'sampleBatches' => count($batches),
    'sampleSeconds' => $sampleSeconds,
    'writeSeconds' => $writing / 1e9,
    'cpuSeconds' => $cpu,
    'writeRate' => $n / ($writing / 1e9),
    'parts' => $files['parts'],
    'bytes' => $files['bytes'],
    'hwmKiB' => $memory['hwmKiB'],
    'phpPeakBytes' => memory_get_peak_usage(true),
]);
