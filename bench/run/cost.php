<?php

declare(strict_types=1);

/** 5. Cost: disk per 100,000 pending events, memory, CPU. */

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
