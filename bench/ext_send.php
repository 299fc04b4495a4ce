<?php

declare(strict_types=1);

/**
 * MindboxClient::send() / createOrder(): how long the shop's request waits for an event to be
 * accepted by the outbox, while this process's delivery threads work in the background.
 *
 * Modes (the "mode" argument):
 * - "createOrder": n orders back to back through createOrder();
 * - "mix": n events of the operation mix through send(), paced at "rate" events a second; with
 *   "settle": true, the warm-up is delivered before the measurement starts and the measurement
 *   lasts until the last event is delivered (flush()), so that its CPU is that of the n events'
 *   sends and deliveries, no more and no less;
 * - "cold": a fresh process's first client and first createOrder() (the outbox file exists);
 * - "open": only opens (creates) the outbox.
 *
 *     php -d extension=… bench/ext_send.php '{"mode":"createOrder","baseUrl":…,"outbox":…,"n":20000}'
 */

require __DIR__ . '/lib.php';

bench_require_extension();
$args = bench_args();
$mode = (string)$args['mode'];
$n = (int)($args['n'] ?? 1);
$overrides = isset($args['rateLimit']) ? ['rateLimit' => (int)$args['rateLimit']] : [];

if ($mode === 'open') {
    // Creates the outbox file and its schema from one process, before several start at once.
    bench_emit(bench_client($args, $overrides)->outboxStats());
    exit(0);
}
if ($mode === 'cold') {
    $body = bench_order_body(5_000_000 + getmypid(), 42);
    $t = hrtime(true);
    $client = bench_client($args, $overrides);
    $client->createOrder($body);
    $first = (hrtime(true) - $t) / 1e6;
    $t = hrtime(true);
    $client->createOrder(bench_order_body(5_000_001 + getmypid(), 42));
    $second = (hrtime(true) - $t) / 1e6;
    bench_emit(['firstMs' => $first, 'secondMs' => $second]);
    exit(0);
}

$client = bench_client($args, $overrides);
$warmup = (int)($args['warmup'] ?? 200);
for ($i = 0; $i < $warmup; $i++) {
    $client->createOrder(bench_order_body(800_000 + $i, 42));
}

$settle = static function () use ($client): void {
    while ((int)$client->flush(10.0)['pending'] > 0) {
        usleep(10_000);
    }
};
if ($args['settle'] ?? false) {
    $settle();
}

$samples = [];
$cpu0 = bench_cpu();
$thread0 = bench_thread_cpu();
$wall0 = bench_ms();
if ($mode === 'createOrder') {
    for ($i = 0; $i < $n; $i++) {
        $body = bench_order_body(2_000_000 + $i, 1 + $i % 20_000);
        $t = hrtime(true);
        $client->createOrder($body);
        $samples[] = (hrtime(true) - $t) / 1e6;
    }
} elseif ($mode === 'mix') {
    $samples = bench_paced_mix($n, (float)$args['rate'], static function (string $operation, array $body) use ($client): void {
        $client->send($operation, $body);
    });
    if ($args['settle'] ?? false) {
        $settle();
    }
} else {
    bench_fail("unknown mode $mode");
}
$wall = bench_ms() - $wall0;
bench_emit([
    'samplesMs' => $samples,
    'cpuSeconds' => bench_cpu() - $cpu0,
    'threadCpuSeconds' => bench_thread_cpu() - $thread0,
    'wallMs' => $wall,
    'n' => $n,
    'warmup' => $warmup,
]);
