<?php

declare(strict_types=1);

/**
 * MindboxClient::call(): the same order body, synchronous, over the extension's pooled
 * connection.
 *
 *     php -d extension=target/release/libmindbox.so bench/ext_call.php '{"baseUrl":…,"endpointId":…,"secretKey":…,"outbox":…,"n":2000}'
 */

require __DIR__ . '/lib.php';

bench_require_extension();
$args = bench_args();
$n = (int)$args['n'];
$warmup = (int)($args['warmup'] ?? 20);
$client = bench_client($args);

for ($i = 0; $i < $warmup; $i++) {
    $client->call('Website.CreateOrder', bench_order_body(900_000 + $i, 42));
}
$samples = [];
$cpu0 = bench_cpu();
$wall0 = bench_ms();
for ($i = 0; $i < $n; $i++) {
    $body = bench_order_body(1_000_000 + $i, 1 + $i % 20_000);
    $t = hrtime(true);
    $answer = $client->call('Website.CreateOrder', $body);
    $samples[] = (hrtime(true) - $t) / 1e6;
    if (($answer['status'] ?? null) !== 'Success') {
        bench_fail('call() did not answer Success: ' . json_encode($answer));
    }
}
$wall = bench_ms() - $wall0;
bench_emit([
    'samplesMs' => $samples,
    'cpuSeconds' => bench_cpu() - $cpu0,
    'wallMs' => $wall,
    'n' => $n,
]);
