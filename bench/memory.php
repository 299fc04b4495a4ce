<?php

declare(strict_types=1);

/**
 * Resident memory and CPU of a PHP process that sends, at checkpoints up to n sends; after each
 * checkpoint it waits until the background threads have delivered everything (rate limit
 * lifted, so that 100,000 events take a minute, not 12), then reads VmRSS.
 *
 * "ext": with the extension, through createOrder()/send() of the operation mix.
 * "noext": the same script without the extension — it builds the same bodies and JSON-encodes
 * them — as the baseline the extension's cost is measured against.
 *
 *     php [-d extension=…] bench/memory.php '{"mode":"ext","baseUrl":…,"outbox":…,"checkpoints":[1000,100000]}'
 */

require __DIR__ . '/lib.php';

$args = bench_args();
$mode = (string)$args['mode'];
$checkpoints = array_map('intval', (array)$args['checkpoints']);
$timeout = (float)($args['timeout'] ?? 300);
if ($mode === 'ext' && !extension_loaded('mindbox')) {
    bench_fail('the mindbox extension is not loaded');
}

$result = ['mode' => $mode, 'start' => bench_rss(), 'checkpoints' => []];
$client = null;
if ($mode === 'ext') {
    $client = bench_client($args, ['rateLimit' => 0]);
    $result['afterConstruct'] = bench_rss();
}
$cpu0 = bench_cpu();
$sink = 0;
$i = 0;
foreach ($checkpoints as $checkpoint) {
    for (; $i < $checkpoint; $i++) {
        $helper = bench_mix_helper($i);
        $body = bench_mix_body($helper, 10_000_000 + $i);
        if ($client !== null) {
            $client->$helper($body);
        } else {
            $sink += strlen((string)json_encode($body));
        }
    }
    $waited = 0.0;
    if ($client !== null) {
        $t = microtime(true);
        while ((int)$client->outboxStats()['pending'] > 0 && microtime(true) - $t < $timeout) {
            usleep(50_000);
        }
        $waited = microtime(true) - $t;
    }
    $result['checkpoints'][] = ['sends' => $checkpoint, 'waitedSeconds' => $waited, 'cpuSeconds' => bench_cpu() - $cpu0]
        + bench_rss();
}
$result['pendingLeft'] = $client !== null ? (int)$client->outboxStats()['pending'] : 0;
$result['phpMemoryPeak'] = memory_get_peak_usage(true);
$result['sink'] = $sink;
bench_emit($result);
