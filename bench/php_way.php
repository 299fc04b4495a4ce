<?php

declare(strict_types=1);

/**
 * "The PHP way": what shops run today, a synchronous `sendOrder()` of their own. Each
 * event is posted synchronously from the shop's request through PHP's curl extension, with a new
 * HTTP connection per call, the legacy `Mindbox secretKey="…"` header and an order body of its kind
 * (bench/lib/mix.php). Runs without the mindbox extension.
 *
 * Back to back by default; with "rate", paced at that many events a second; with "mix": true, the
 * events of the operation mix (each its operation's body, posted the same way) instead of orders, so
 * that it does the very work the extension's send() of the mix does.
 *
 *     php bench/php_way.php '{"baseUrl":"http://127.0.0.1:PORT","endpointId":"…","secretKey":"…","n":2000}'
 *
 * Prints one JSON line: every call's wall time in ms, and the CPU time of the process.
 */

require __DIR__ . '/lib.php';

if (!extension_loaded('curl')) {
    bench_fail('the curl extension is missing (apt-get install php8.2-curl)');
}
$args = bench_args();
$n = (int)$args['n'];
$warmup = (int)($args['warmup'] ?? 20);
$rate = (float)($args['rate'] ?? 0);
$mix = (bool)($args['mix'] ?? false);
$url = rtrim((string)$args['baseUrl'], '/') . '/v3/operations/sync?endpointId=' . rawurlencode((string)$args['endpointId'])
    . '&operation=';
$secretKey = (string)$args['secretKey'];

/** One event, as sendOrder() posts an order: a fresh handle, so a fresh connection, every time. */
$post = static function (array $payload, string $operation = 'Website.CreateOrder') use ($url, $secretKey): void {
    $http = curl_init($url . $operation);
    curl_setopt_array($http, [
        CURLOPT_POST => true,
        CURLOPT_POSTFIELDS => json_encode($payload),
        CURLOPT_HTTPHEADER => [
            'Content-Type: application/json',
            'Authorization: Mindbox secretKey="' . $secretKey . '"',
        ],
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_TIMEOUT => 10,
        CURLOPT_PROXY => '',
        CURLOPT_NOPROXY => '*',
    ]);
    $answer = curl_exec($http);
    $status = curl_getinfo($http, CURLINFO_RESPONSE_CODE);
    curl_close($http);
    if (!is_string($answer) || $status !== 200 || !str_contains($answer, '"Success"')) {
        bench_fail("the PHP way's call failed: HTTP $status " . (is_string($answer) ? $answer : ''));
    }
};

for ($i = 0; $i < $warmup; $i++) {
    $post(bench_order_body(900_000 + $i, 42));
}
$samples = [];
$cpu0 = bench_cpu();
$wall0 = bench_ms();
$next = hrtime(true);
for ($i = 0; $i < $n; $i++) {
    $helper = $mix ? bench_mix_helper($i) : 'createOrder';
    $payload = $mix ? bench_mix_body($helper, 1_000_000 + $i) : bench_order_body(1_000_000 + $i, 1 + $i % 20_000);
    if ($rate > 0) {
        $next += 1e9 / $rate;
        $wait = $next - hrtime(true);
        if ($wait > 0) {
            usleep((int)($wait / 1000));
        }
    }
    $t = hrtime(true);
    $post($payload, BENCH_OPERATION_NAMES[$helper]);
    $samples[] = (hrtime(true) - $t) / 1e6;
}
$wall = bench_ms() - $wall0;
bench_emit([
    'samplesMs' => $samples,
    'cpuSeconds' => bench_cpu() - $cpu0,
    'wallMs' => $wall,
    'n' => $n,
    'bodyBytes' => strlen((string)json_encode(bench_order_body(1_000_000, 1))),
]);
