<?php

declare(strict_types=1);

/**
 * A worker script's side of the protocol with bench/run.php: its arguments, its result, its failure,
 * and the client it measures.
 */

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
