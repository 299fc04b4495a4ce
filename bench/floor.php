<?php

declare(strict_types=1);

/**
 * The emulator's own latency as the cheapest client sees it: PHP's curl with one kept-alive
 * connection (one handle reused), the current auth header, the same order body. Not a way a
 * shop posts events today; it is the floor that call()'s overhead is measured against.
 *
 *     php bench/floor.php '{"baseUrl":"http://127.0.0.1:PORT","endpointId":"…","secretKey":"…","n":2000}'
 */

require __DIR__ . '/lib.php';

$args = bench_args();
$n = (int)$args['n'];
$warmup = (int)($args['warmup'] ?? 20);
$url = rtrim((string)$args['baseUrl'], '/') . '/v3/operations/sync?endpointId=' . rawurlencode((string)$args['endpointId'])
    . '&operation=Website.CreateOrder';
$http = curl_init($url);
curl_setopt_array($http, [
    CURLOPT_POST => true,
    CURLOPT_HTTPHEADER => ['Content-Type: application/json', 'Authorization: SecretKey ' . $args['secretKey']],
    CURLOPT_RETURNTRANSFER => true,
    CURLOPT_TIMEOUT => 10,
    CURLOPT_PROXY => '',
    CURLOPT_NOPROXY => '*',
]);
$samples = [];
for ($i = 0; $i < $warmup + $n; $i++) {
    $payload = bench_order_body(1_000_000 + $i, 1 + $i % 20_000);
    $t = hrtime(true);
    curl_setopt($http, CURLOPT_POSTFIELDS, json_encode($payload));
    $answer = curl_exec($http);
    $elapsed = (hrtime(true) - $t) / 1e6;
    if (!is_string($answer) || curl_getinfo($http, CURLINFO_RESPONSE_CODE) !== 200) {
        bench_fail('the floor call failed: ' . curl_error($http));
    }
    if ($i >= $warmup) {
        $samples[] = $elapsed;
    }
}
bench_emit(['samplesMs' => $samples, 'n' => $n]);
