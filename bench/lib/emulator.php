<?php

declare(strict_types=1);

/** The emulator's control API and what its journal tells of a run. */

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
