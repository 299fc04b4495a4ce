<?php

declare(strict_types=1);

/**
 * Shared by the benchmark scripts: arguments, bodies, timers, statistics, the emulator's control
 * API. Everything here talks only to loopback addresses.
 */

const BENCH_OPERATION_MIX = [
    // A shop's event stream during an ordinary day: carts dominate, then order status changes,
    // new orders, and a few customer events. The share of each operation, in percent.
    'setCart' => 50,
    'updateOrder' => 20,
    'createOrder' => 15,
    'registerCustomer' => 5,
    'updateCustomer' => 5,
    'subscribeEmail' => 5,
];

const BENCH_OPERATION_NAMES = [
    'setCart' => 'Website.SetCart',
    'updateOrder' => 'Website.UpdateOrder',
    'createOrder' => 'Website.CreateOrder',
    'registerCustomer' => 'Website.Register',
    'updateCustomer' => 'Website.UpdateProfile',
    'subscribeEmail' => 'Website.SubscribeEmail',
];

/** Mindbox's limit: requests a minute per operation and endpoint; the extension's default. */
const BENCH_DEFAULT_RATE_LIMIT = 8000;

/**
 * The worker's arguments: one JSON object as the first command-line argument.
 *
 * @return array<string, mixed>
 */
function bench_args(): array
{
    global $argv;
    $json = $argv[1] ?? '';
    $args = json_decode($json, true);
    if (!is_array($args)) {
        fwrite(STDERR, basename($argv[0]) . ": expects one JSON object argument\n");
        exit(2);
    }
    return $args;
}

/** Prints the worker's result as one JSON line on stdout. */
function bench_emit(array $result): void
{
    echo json_encode(bench_json_safe($result), JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION), "\n";
}

/** NAN and INF (a rate of nothing) become null: JSON has no such numbers. */
function bench_json_safe(mixed $value): mixed
{
    if (is_array($value)) {
        return array_map('bench_json_safe', $value);
    }
    if (is_float($value) && !is_finite($value)) {
        return null;
    }
    return $value;
}

function bench_fail(string $message): never
{
    fwrite(STDERR, "bench: $message\n");
    exit(1);
}

/** Stops the script unless the extension under measurement is loaded. */
function bench_require_extension(): void
{
    if (!extension_loaded('mindbox')) {
        bench_fail('the mindbox extension is not loaded');
    }
}

/** Milliseconds, monotonic. */
function bench_ms(): float
{
    return hrtime(true) / 1e6;
}

/**
 * The order body of the original specification's `sendOrder()`: the order with its lines and
 * the customer inside it, ids under `websiteId`.
 *
 * @return array<string, mixed>
 */
function bench_order_body(int $orderId, int $customerId): array
{
    $products = [[101, 2, 450.0], [205, 1, 890.0], [317, 3, 129.9]];
    $lines = [];
    $total = 0.0;
    foreach ($products as [$productId, $quantity, $price]) {
        $lines[] = [
            'product' => ['ids' => ['websiteId' => (string)$productId]],
            'quantity' => $quantity,
            'priceOfLine' => $price * $quantity,
            'discountOfLine' => 0,
        ];
        $total += $price * $quantity;
    }
    return [
        'order' => [
            'ids' => ['websiteId' => (string)$orderId],
            'totalPrice' => $total,
            'lines' => $lines,
            'customer' => [
                'ids' => ['websiteId' => (string)$customerId],
                'email' => "customer$customerId@example.com",
                'mobilePhone' => '+7 900 ' . str_pad((string)($customerId % 10_000_000), 7, '0', STR_PAD_LEFT),
            ],
        ],
    ];
}

/**
 * A body for one helper of the mix, for event number $i. Customers repeat (a pool of 20,000),
 * so some events share an ordering key, as in a real shop.
 *
 * @return array<string, mixed>
 */
function bench_mix_body(string $helper, int $i): array
{
    $customerId = 1 + (int)(($i * 7919) % 20_000);
    $customer = ['ids' => ['websiteID' => (string)$customerId]];
    switch ($helper) {
        case 'createOrder':
            return bench_order_body(100_000 + $i, $customerId);
        case 'updateOrder':
            $body = bench_order_body(100_000 + $i, $customerId);
            $body['order']['status'] = 'Paid';
            return $body;
        case 'setCart':
            return [
                'customer' => $customer,
                'productList' => [
                    ['product' => ['ids' => ['websiteID' => '101']], 'count' => 2, 'pricePerItem' => 450.0],
                    ['product' => ['ids' => ['websiteID' => '205']], 'count' => 1, 'pricePerItem' => 890.0],
                ],
            ];
        case 'registerCustomer':
        case 'updateCustomer':
            return ['customer' => $customer + [
                'email' => "customer$customerId@example.com",
                'mobilePhone' => '+7 (900) 123-45-67',
                'firstName' => 'Anna',
                'lastName' => 'Petrova',
            ]];
        case 'subscribeEmail':
            return ['customer' => $customer + [
                'email' => "customer$customerId@example.com",
                'subscriptions' => [['pointOfContact' => 'Email', 'isSubscribed' => true]],
            ]];
    }
    throw new InvalidArgumentException("unknown helper $helper");
}

/**
 * The helper of event $i in the mix: deterministic and evenly spread (a Bresenham-like
 * interleave), so that every prefix of the stream has the mix's proportions.
 */
function bench_mix_helper(int $i): string
{
    static $table = null;
    if ($table === null) {
        $table = [];
        foreach (BENCH_OPERATION_MIX as $helper => $percent) {
            for ($k = 0; $k < $percent; $k++) {
                $table[] = [($k + 0.5) / $percent, $helper];
            }
        }
        usort($table, static fn ($a, $b) => $a[0] <=> $b[0]);
        $table = array_column($table, 1);
    }
    return $table[$i % 100];
}

/**
 * How many events of each operation the first $n events of the mix hold.
 *
 * @return array<string, int> operation name => count
 */
function bench_mix_counts(int $n): array
{
    $counts = [];
    for ($i = 0; $i < $n; $i++) {
        $op = BENCH_OPERATION_NAMES[bench_mix_helper($i)];
        $counts[$op] = ($counts[$op] ?? 0) + 1;
    }
    arsort($counts);
    return $counts;
}

/**
 * @param array<string, mixed> $overrides
 */
function bench_client(array $args, array $overrides = []): MindboxClient
{
    return new MindboxClient($overrides + [
        'endpointId' => $args['endpointId'],
        'secretKey' => $args['secretKey'],
        'baseUrl' => $args['baseUrl'],
        'outbox' => $args['outbox'],
        'timeout' => 10.0,
    ]);
}

/**
 * Resident memory of this process (or of process $pid) in KiB: VmRSS, its peak (VmHWM), and of it the
 * private anonymous memory (RssAnon) and the mapped files (RssFile, shared with other processes);
 * and its threads.
 */
function bench_rss(?int $pid = null): array
{
    $status = (string)@file_get_contents('/proc/' . ($pid ?? 'self') . '/status');
    $field = static fn (string $name): int => preg_match("/^$name:\\s+(\\d+)/m", $status, $m) ? (int)$m[1] : 0;
    return [
        'rssKiB' => $field('VmRSS'),
        'hwmKiB' => $field('VmHWM'),
        'anonKiB' => $field('RssAnon'),
        'fileKiB' => $field('RssFile'),
        'threads' => $field('Threads'),
    ];
}

/**
 * Proportional resident memory of a process in KiB (Pss: each shared page divided among the processes
 * that map it, such as the extension's code in every PHP-FPM worker); null once it is gone.
 */
function bench_pss(int $pid): ?int
{
    $rollup = @file_get_contents("/proc/$pid/smaps_rollup");
    return is_string($rollup) && preg_match('/^Pss:\s+(\d+)/m', $rollup, $m) ? (int)$m[1] : null;
}

/** Resident KiB of a process's mappings of one file (such as the extension's .so), from /proc/<pid>/smaps. */
function bench_mapped_kib(int $pid, string $file): int
{
    $kib = 0;
    $inFile = false;
    foreach (explode("\n", (string)@file_get_contents("/proc/$pid/smaps")) as $line) {
        if (preg_match('/^[0-9a-f]+-[0-9a-f]+ /', $line)) {
            $inFile = str_ends_with(rtrim($line), $file);
        } elseif ($inFile && preg_match('/^Rss:\s+(\d+)/', $line, $m)) {
            $kib += (int)$m[1];
        }
    }
    return $kib;
}

/** Clock ticks a second of /proc's CPU times (USER_HZ, 100 on Linux whatever the kernel's HZ). */
const BENCH_CLOCK_TICKS = 100;

/**
 * CPU time (utime + stime, in clock ticks) of a process, or of one of its threads; null once it is
 * gone. A process's figure includes all of its threads, also those that have ended.
 */
function bench_proc_ticks(int $pid, ?int $tid = null): ?int
{
    $stat = @file_get_contents($tid === null ? "/proc/$pid/stat" : "/proc/$pid/task/$tid/stat");
    if (!is_string($stat) || $stat === '') {
        return null;
    }
    $fields = explode(' ', substr($stat, (int)strrpos($stat, ')') + 2));
    return (int)$fields[11] + (int)$fields[12];
}

/**
 * The ids of a process's threads now (the first is the process itself).
 *
 * @return list<int>
 */
function bench_proc_tids(int $pid): array
{
    $entries = @scandir("/proc/$pid/task");
    return $entries === false ? [] : array_map('intval', array_values(array_diff($entries, ['.', '..'])));
}

/**
 * The outbox's commit counter: iChange of the WAL-index header that starts the -shm file, which
 * SQLite raises with every transaction that commits changes (an empty one raises nothing; see
 * "WAL-Index Format" in SQLite's file format document). Read from the file, so measuring opens no
 * connection of its own; null while there is no -shm file. The header is in native byte order.
 */
function bench_wal_commits(string $outbox): ?int
{
    $header = @file_get_contents($outbox . '-shm', false, null, 0, 12);
    if (!is_string($header) || strlen($header) < 12) {
        return null;
    }
    return unpack('L', $header, 8)[1];
}

/**
 * When Mindbox first processed each transaction, and how many calls it answered as duplicates.
 *
 * @return array{received: array<string, float>, duplicates: int}
 */
function bench_received_by_transaction(string $baseUrl): array
{
    $received = [];
    $duplicates = 0;
    foreach (bench_control($baseUrl, 'GET', '/journal', null, 300)['requests'] as $entry) {
        $id = (string)$entry['transactionId'];
        if ($entry['outcome'] === 'processed' && !isset($received[$id])) {
            $received[$id] = (float)$entry['receivedAt'];
        } elseif ($entry['outcome'] === 'duplicate') {
            $duplicates++;
        }
    }
    return ['received' => $received, 'duplicates' => $duplicates];
}

/** CPU seconds used by the whole process, every thread included. */
function bench_cpu(): float
{
    $u = getrusage();
    return $u['ru_utime.tv_sec'] + $u['ru_utime.tv_usec'] / 1e6 + $u['ru_stime.tv_sec'] + $u['ru_stime.tv_usec'] / 1e6;
}

/** CPU seconds used by the calling (PHP) thread alone, from the scheduler's nanosecond count. */
function bench_thread_cpu(): float
{
    $text = @file_get_contents('/proc/thread-self/schedstat');
    if (!is_string($text)) {
        return 0.0;
    }
    return ((int)explode(' ', trim($text))[0]) / 1e9;
}

/**
 * One call to the emulator's control API.
 *
 * @param array<string, mixed>|null $body
 * @return array<string, mixed>
 */
function bench_control(string $baseUrl, string $method, string $path, ?array $body = null, int $timeout = 60): array
{
    static $curl = null;
    if ($curl === null) {
        $curl = curl_init();
    } else {
        curl_reset($curl);
    }
    $options = [
        CURLOPT_URL => rtrim($baseUrl, '/') . '/__emulator' . $path,
        CURLOPT_CUSTOMREQUEST => $method,
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_CONNECTTIMEOUT_MS => 2000,
        CURLOPT_TIMEOUT => $timeout,
        CURLOPT_PROXY => '',
        CURLOPT_NOPROXY => '*',
        CURLOPT_HTTPHEADER => ['Content-Type: application/json', 'Expect:'],
    ];
    if ($body !== null) {
        $options[CURLOPT_POSTFIELDS] = json_encode($body, JSON_THROW_ON_ERROR);
    } elseif ($method !== 'GET') {
        $options[CURLOPT_POSTFIELDS] = '';
    }
    curl_setopt_array($curl, $options);
    $response = curl_exec($curl);
    if (!is_string($response) || curl_getinfo($curl, CURLINFO_RESPONSE_CODE) !== 200) {
        bench_fail("emulator $method $path failed: " . (is_string($response) ? $response : curl_error($curl)));
    }
    $decoded = json_decode($response, true, 512, JSON_BIGINT_AS_STRING);
    if (!is_array($decoded)) {
        bench_fail("emulator $method $path answered a non-object");
    }
    return $decoded;
}

/**
 * The receipt times (unix seconds) of the processed calls, by operation.
 *
 * @return array<string, list<float>>
 */
function bench_processed_times(string $baseUrl): array
{
    $times = [];
    foreach (bench_control($baseUrl, 'GET', '/journal?outcome=processed', null, 300)['requests'] as $entry) {
        $times[(string)$entry['operation']][] = (float)$entry['receivedAt'];
    }
    foreach ($times as &$list) {
        sort($list);
    }
    return $times;
}

/**
 * Waits until the emulator has processed $n calls (or $timeout seconds pass).
 *
 * @return array{processed: int, seconds: float, timedOut: bool}
 */
function bench_wait_processed(string $baseUrl, int $n, float $timeout): array
{
    $start = microtime(true);
    $processed = 0;
    while (microtime(true) - $start < $timeout) {
        $processed = (int)bench_control($baseUrl, 'GET', '/stats')['processed'];
        if ($processed >= $n) {
            return ['processed' => $processed, 'seconds' => microtime(true) - $start, 'timedOut' => false];
        }
        usleep(50_000);
    }
    return ['processed' => $processed, 'seconds' => microtime(true) - $start, 'timedOut' => true];
}

/** Removes an outbox file and its WAL and shared-memory files. */
function bench_remove_outbox(string $path): void
{
    foreach (['', '-wal', '-shm', '-journal'] as $suffix) {
        @unlink($path . $suffix);
    }
}

/** Bytes on disk of an outbox: the file, its WAL and its shared-memory index. */
function bench_outbox_bytes(string $path): array
{
    clearstatcache();
    $size = static fn (string $p): int => is_file($p) ? (int)filesize($p) : 0;
    return ['db' => $size($path), 'wal' => $size($path . '-wal'), 'shm' => $size($path . '-shm')];
}

/**
 * Nearest-rank percentile of sorted values.
 *
 * @param list<float|int> $sorted
 */
function bench_percentile(array $sorted, float $q): float
{
    $n = count($sorted);
    if ($n === 0) {
        return NAN;
    }
    $rank = (int)max(1, (int)ceil($q * $n));
    return (float)$sorted[min($n, $rank) - 1];
}

/**
 * @param list<float|int> $values
 * @return array{n: int, median: float, p99: float, mean: float, min: float, max: float}
 */
function bench_stats(array $values): array
{
    sort($values);
    $n = count($values);
    return [
        'n' => $n,
        'median' => bench_percentile($values, 0.5),
        'p99' => bench_percentile($values, 0.99),
        'mean' => $n > 0 ? array_sum($values) / $n : NAN,
        'min' => $n > 0 ? (float)$values[0] : NAN,
        'max' => $n > 0 ? (float)$values[$n - 1] : NAN,
    ];
}

/**
 * The figures the results keep of a list of samples.
 *
 * @param list<float|int> $values
 * @return array{median: float, p99: float, mean: float, max: float, n: int}
 */
function bench_summary(array $values): array
{
    $s = bench_stats($values);
    return ['median' => $s['median'], 'p99' => $s['p99'], 'mean' => $s['mean'], 'max' => $s['max'], 'n' => $s['n']];
}

/**
 * Delivery rates over fixed windows of a sorted list of receipt times: the median window and
 * the slow tail (the rate that 99 % of the windows reach). Partial windows at the end are
 * left out.
 *
 * @param list<float> $times sorted unix seconds
 * @return array{overall: float, median: float, p99: float, windows: int, seconds: float}
 */
function bench_window_rates(array $times, float $window, ?float $from = null): array
{
    $n = count($times);
    if ($n < 2) {
        return ['overall' => NAN, 'median' => NAN, 'p99' => NAN, 'windows' => 0, 'seconds' => 0.0];
    }
    $start = $from ?? $times[0];
    $end = $times[$n - 1];
    $full = (int)floor(($end - $start) / $window);
    $counts = array_fill(0, max(1, $full), 0);
    foreach ($times as $t) {
        $k = (int)floor(($t - $start) / $window);
        if ($k >= 0 && $k < $full) {
            $counts[$k]++;
        }
    }
    $rates = array_map(static fn ($c) => $c / $window, $full > 0 ? $counts : [$n / max(1e-9, $end - $start)]);
    sort($rates);
    return [
        'overall' => $n / max(1e-9, $end - $start),
        'median' => bench_percentile($rates, 0.5),
        'p99' => bench_percentile($rates, 0.01),
        'windows' => $full,
        'seconds' => $end - $start,
    ];
}

/**
 * The most calls of one operation in any 60-second window: what Mindbox's per-minute limit
 * looks at.
 *
 * @param list<float> $times sorted unix seconds
 */
function bench_max_per_minute(array $times): int
{
    $best = 0;
    $lo = 0;
    $n = count($times);
    for ($hi = 0; $hi < $n; $hi++) {
        while ($times[$hi] - $times[$lo] >= 60.0) {
            $lo++;
        }
        $best = max($best, $hi - $lo + 1);
    }
    return $best;
}
