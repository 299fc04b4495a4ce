<?php

declare(strict_types=1);

/** 5. Cost: disk per 100,000 pending events, memory, CPU. */

/**
 * CPU per event at a shop's steady rate, the PHP way and ours in the same run, on the same events (the mix): the
 * PHP way's process posting each synchronously (so delivered when the call returns), then our whole process
 * sending them and delivering them in the background, from its warm-up delivered to its last event delivered.
 */
function run_cpu_scenario(array $config): void
{
    $n = $config['pacedSends'];
    $rate = $config['pacedRate'];
    scenario('cpu100:0', "CPU per event at $rate/s, the PHP way vs ours, $n events each", static function () use ($n, $rate) {
        reset_emulator(0);
        $php = worker('php_way.php', target(0, '') + ['n' => $n, 'rate' => $rate, 'mix' => true], false);
        // The emulator's count from here on is ours alone (the MySQL rows' server CPU is per event it counts).
        reset_emulator(0);
        $ours = worker('ext_send.php', target(0, outbox_path('cpu100')) + ['mode' => 'mix', 'n' => $n, 'rate' => $rate, 'settle' => true]);
        $stats = bench_control($GLOBALS['emulators'][0]['url'], 'GET', '/stats');
        $s = [
            'events' => $n,
            'rate' => $rate,
            'phpCpuMsPerEvent' => 1000 * $php['cpuSeconds'] / $n,
            'phpSeconds' => $php['wallMs'] / 1000,
            'cpuMsPerEvent' => 1000 * $ours['cpuSeconds'] / $n,
            'threadCpuMsPerEvent' => 1000 * $ours['threadCpuSeconds'] / $n,
            'seconds' => $ours['wallMs'] / 1000,
            // Every event of the n once (the warm-up's are counted too, and taken off).
            'delivered' => (int)$stats['processed'] - $ours['warmup'],
            'duplicates' => (int)$stats['duplicates'],
        ];
        return $s + ['headline' => sprintf('the PHP way %.3f ms, ours %.3f ms per delivered event', $s['phpCpuMsPerEvent'], $s['cpuMsPerEvent'])];
    });
}

function run_cost_scenarios(array $config): void
{
    scenario('disk:0', "outbox on disk, {$config['diskEvents']} pending events", static function () use ($config) {
        $n = $config['diskEvents'];
        $path = outbox_path('disk');
        reset_emulator(0);
        outage(0);
        $fill = worker('backlog.php', target(0, $path) + ['mode' => 'fill', 'n' => $n]);
        $bytes = bench_outbox_bytes($path);
        reset_emulator(0);
        $total = array_sum($bytes);
        $s = ['events' => $n, 'bytes' => $bytes, 'bytesPer100k' => $total * 100000 / $n, 'fillSeconds' => $fill['seconds']];
        bench_remove_outbox($path);
        return $s + ['headline' => sprintf('%.1f MB per 100,000 events (db %.1f MB + WAL %.1f MB)', $s['bytesPer100k'] / 1e6, $bytes['db'] / 1e6, $bytes['wal'] / 1e6)];
    });
    scenario('memory:0', 'resident memory, up to ' . end($config['memoryCheckpoints']) . ' sends', static function () use ($config) {
        reset_emulator(0);
        $args = ['checkpoints' => $config['memoryCheckpoints'], 'timeout' => 600];
        $plain = worker('memory.php', target(0, '') + $args + ['mode' => 'noext'], false);
        $loaded = worker('memory.php', target(0, '') + ['mode' => 'noext', 'checkpoints' => [0]], true);
        $ext = worker('memory.php', target(0, outbox_path('memory')) + $args + ['mode' => 'ext']);
        $last = end($ext['checkpoints']);
        $first = $ext['checkpoints'][0];
        $plainLast = end($plain['checkpoints']);
        $s = [
            'plain' => $plain,
            'loadedIdle' => $loaded['start'],
            'ext' => $ext,
            'baselineKiB' => $plainLast['rssKiB'],
            'loadedKiB' => $loaded['start']['rssKiB'],
            'firstKiB' => $first['rssKiB'],
            'lastKiB' => $last['rssKiB'],
            'addedKiB' => $last['rssKiB'] - $plainLast['rssKiB'],
            'growthKiB' => $last['rssKiB'] - $first['rssKiB'],
            'cpuMsPerEvent' => 1000 * $last['cpuSeconds'] / $last['sends'],
            'pendingLeft' => $ext['pendingLeft'],
        ];
        return $s + ['headline' => sprintf(
            'PHP %.1f MB, +ext %.1f MB; after %d sends %.1f MB, after %d %.1f MB',
            $s['baselineKiB'] / 1024,
            $s['loadedKiB'] / 1024,
            $first['sends'],
            $s['firstKiB'] / 1024,
            $last['sends'],
            $s['lastKiB'] / 1024
        )];
    });
}
