<?php

declare(strict_types=1);

/**
 * A sending process for the delivery benchmarks: it sends its share of the operation mix as fast
 * as it can (timing each send), then stays until the outbox of the endpoint is empty, so that
 * whichever process holds the delivery lease can finish. Several run at once for the
 * "several sending processes" rows; "startAt" (unix seconds) lines them up.
 *
 *     php -d extension=… bench/producer.php '{"baseUrl":…,"outbox":…,"n":5000,"offset":0,"rateLimit":0}'
 *
 * "helper" sends only that helper's events instead of the mix.
 */

require __DIR__ . '/lib.php';

bench_require_extension();
$args = bench_args();
$n = (int)$args['n'];
$offset = (int)($args['offset'] ?? 0);
$timeout = (float)($args['timeout'] ?? 300);
$helperOnly = isset($args['helper']) ? (string)$args['helper'] : null;
$client = bench_client($args, ['rateLimit' => (int)$args['rateLimit']]);

// Build the bodies first: the shop's own work is not what is measured.
$events = [];
for ($i = 0; $i < $n; $i++) {
    $helper = $helperOnly ?? bench_mix_helper($offset + $i);
    $events[] = [$helper, bench_mix_body($helper, $offset + $i)];
}
if (isset($args['startAt'])) {
    $wait = (float)$args['startAt'] - microtime(true);
    if ($wait > 0) {
        usleep((int)($wait * 1e6));
    }
}

$samples = [];
$cpu0 = bench_cpu();
$thread0 = bench_thread_cpu();
$start = microtime(true);
foreach ($events as [$helper, $body]) {
    $t = hrtime(true);
    $client->$helper($body);
    $samples[] = (hrtime(true) - $t) / 1e6;
}
$sent = microtime(true);
$cpuSent = bench_cpu();
$threadSent = bench_thread_cpu();

$pending = -1;
while (microtime(true) - $start < $timeout) {
    $pending = (int)$client->outboxStats()['pending'];
    if ($pending === 0) {
        break;
    }
    usleep(20_000);
}
$drained = microtime(true);
bench_emit([
    'pid' => getmypid(),
    'n' => $n,
    'samplesMs' => $samples,
    'startUnix' => $start,
    'sentUnix' => $sent,
    'drainedUnix' => $drained,
    'pendingLeft' => $pending,
    'cpuSendSeconds' => $cpuSent - $cpu0,
    'threadCpuSendSeconds' => $threadSent - $thread0,
    'cpuTotalSeconds' => bench_cpu() - $cpu0,
    'memory' => bench_rss(),
]);
