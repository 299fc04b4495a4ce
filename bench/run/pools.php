<?php

declare(strict_types=1);

/** 6. A real PHP-FPM pool under a shop's traffic (bench/fpm.php), against the 50 ms emulator. */

/**
 * Runs bench/fpm.php against the 50 ms emulator: a real PHP-FPM pool under the shop's traffic, in a
 * PID namespace of its own where the machine allows one, so that the pool's thread creations count.
 *
 * @param array<string, mixed> $overrides arguments over the defaults of the configuration
 * @return array<string, mixed>
 */
function fpm_pool(string $name, array $overrides): array
{
    global $config, $work, $extension;
    reset_emulator(50);
    $prefix = pid_namespace_prefix();
    $args = $overrides + target(50, '') + [
        'dir' => "$work/$name",
        'extension' => $extension,
        'daemon' => env('BENCH_DELIVER'),
        'workers' => $config['fpmWorkers'],
        'maxRequests' => 0,
        'delivery' => 'inline',
        'rate' => $config['fpmRate'],
        'warmupSeconds' => $config['fpmWarmupSeconds'],
        'seconds' => $config['fpmSeconds'],
        'baselineSeconds' => 0,
        'idleSeconds' => 0,
        'killAt' => null,
        'pidNamespace' => $prefix !== [],
    ];
    $r = worker('fpm.php', $args, true, 600, $prefix);
    exec('rm -rf ' . escapeshellarg("$work/$name"));
    return $r;
}

/** @param array<string, mixed> $r bench/fpm.php's result */
function fpm_headline(array $r): string
{
    $cpu = $r['cpu']['holderMsPerEvent'] ?? $r['cpu']['daemonMsPerEvent'] ?? $r['cpu']['workersMsPerEvent'];
    return sprintf(
        'latency p50 %.1f ms, p99 %.1f ms; send() p50 %.4f ms, p99 %.3f ms; CPU %.3f ms/event; threads %s/event',
        $r['latencyMs']['median'],
        $r['latencyMs']['p99'],
        $r['sendMs']['median'],
        $r['sendMs']['p99'],
        $cpu,
        $r['threads']['perEvent'] === null ? '?' : sprintf('%.3f', $r['threads']['perEvent'])
    );
}

/**
 * The extension delivering inline (without and with recycled workers, and with its delivering worker SIGKILLed), and
 * the delivery daemon delivering (mindbox.delivery = external).
 */
function run_fpm_scenarios(array $config): void
{
    if (\MindboxTests\Support\FpmPool::binary() === null) {
        bench_fail('php-fpm8.2 is not installed (scripts/bench.sh installs it)');
    }
    $fpm = sprintf('%d static workers, %d requests/s × %d events', $config['fpmWorkers'], $config['fpmRate'], $config['fpmEventsPerRequest']);
    scenario('fpm:50', "PHP-FPM, $fpm, inline delivery, {$config['fpmSeconds']} s + {$config['fpmIdleSeconds']} s idle", static function () use ($config) {
        $r = fpm_pool('fpm', ['baselineSeconds' => $config['fpmBaselineSeconds'], 'idleSeconds' => $config['fpmIdleSeconds']]);
        return $r + ['headline' => fpm_headline($r) . sprintf(
            '; +%.1f MB a worker; idle: %d commits, %s empty writes',
            ($r['rss']['addedMaxKiB'] ?? 0) / 1024,
            count($r['idle']['commits']),
            $r['idle']['emptyWrites'] ?? '?'
        )];
    });
    scenario('fpmrecycle:50', "PHP-FPM, $fpm, inline delivery, pm.max_requests = {$config['fpmRecycleRequests']}, {$config['fpmRecycleSeconds']} s", static function () use ($config) {
        $r = fpm_pool('fpmrecycle', ['maxRequests' => $config['fpmRecycleRequests'], 'seconds' => $config['fpmRecycleSeconds']]);
        return $r + ['headline' => fpm_headline($r) . sprintf('; %d workers started', $r['threads']['workersRespawned'])];
    });
    scenario('fpmkill:50', "PHP-FPM, $fpm, inline delivery, the holder SIGKILLed", static function () use ($config) {
        $r = fpm_pool('fpmkill', ['seconds' => $config['fpmKillSeconds'], 'killAt' => $config['fpmKillAt']]);
        $k = $r['kill'];
        return $r + ['headline' => sprintf(
            'killed %s; first delivery after %s s, longest gap %.2f s; lost %d, duplicates %d',
            $k['pid'] ?? 'nobody',
            $k['firstDeliveryAfter'] === null ? 'never' : sprintf('%.3f', $k['firstDeliveryAfter']),
            $k['longestGap'],
            $r['lost'],
            $r['duplicates']
        )];
    });
    scenario('fpmdaemon:50', "PHP-FPM, $fpm, the delivery daemon, {$config['fpmSeconds']} s + {$config['fpmIdleSeconds']} s idle", static function () use ($config) {
        $r = fpm_pool('fpmdaemon', ['delivery' => 'external', 'baselineSeconds' => $config['fpmBaselineSeconds'], 'idleSeconds' => $config['fpmIdleSeconds']]);
        return $r + ['headline' => fpm_headline($r) . sprintf('; worker threads ever seen %d', $r['threads']['workerThreadsSeenEver'])];
    });
}
