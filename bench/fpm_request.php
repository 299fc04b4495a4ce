<?php

declare(strict_types=1);

/**
 * Served by the benchmark's PHP-FPM pool (bench/fpm.php): one shop request with the three events of
 * a checkout (registration, cart, order), each through send(), timed by the request itself.
 *
 *     ?n=N          the request's number (makes its customer and order)
 *     &mode=send    sends, and answers {"pid": …, "events": [[transactionId, unix time send() returned, µs], …]}
 *     &mode=dry     the same request without the extension (builds and encodes the bodies): the
 *                   workers' memory baseline
 *
 * The client config comes from the pool (tests/support/fpm/FpmPool.php puts it in MINDBOX_TEST_CONFIG).
 */

require_once __DIR__ . '/lib.php';

$config = json_decode((string)base64_decode((string)getenv('MINDBOX_TEST_CONFIG')), true, 512, JSON_THROW_ON_ERROR);
$n = (int)($_GET['n'] ?? 0);
$dry = ($_GET['mode'] ?? 'send') === 'dry';
$client = $dry ? null : new MindboxClient($config);
$events = [];
foreach (['registerCustomer', 'setCart', 'createOrder'] as $helper) {
    $body = bench_mix_body($helper, $n);
    if ($client === null) {
        json_encode($body, JSON_THROW_ON_ERROR);
        continue;
    }
    $t = hrtime(true);
    $id = $client->send(BENCH_OPERATION_NAMES[$helper], $body);
    $us = (hrtime(true) - $t) / 1e3;
    $events[] = [$id, microtime(true), $us];
}
header('Content-Type: application/json');
echo json_encode(['pid' => getmypid(), 'events' => $events], JSON_THROW_ON_ERROR);
