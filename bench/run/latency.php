<?php

declare(strict_types=1);

/** 1-3. The shop's wait: the PHP way, call() and send(), synchronous and through the outbox. */

/** The PHP way and call(), synchronous, at both latencies. */
function run_sync_scenarios(array $config): void
{
    foreach ([0, 50] as $latency) {
        $n = $latency === 0 ? $config['syncCalls0'] : $config['syncCalls50'];
        scenario("phpway:$latency", "PHP way (curl, new connection) at $latency ms, $n calls", static function () use ($latency, $n) {
            reset_emulator($latency);
            $r = worker('php_way.php', target($latency, '') + ['n' => $n], false);
            $s = bench_summary($r['samplesMs']) + ['cpuMsPerEvent' => 1000 * $r['cpuSeconds'] / $r['n'], 'bodyBytes' => $r['bodyBytes']];
            $s['connections'] = bench_control($GLOBALS['emulators'][$latency]['url'], 'GET', '/stats')['mindboxConnections'];
            return $s + ['headline' => sprintf('median %.3f ms, p99 %.3f ms', $s['median'], $s['p99'])];
        });
        scenario("floor:$latency", "the emulator's own latency (curl, kept-alive) at $latency ms", static function () use ($latency, $n) {
            reset_emulator($latency);
            $r = worker('floor.php', target($latency, '') + ['n' => $n], false);
            $s = bench_summary($r['samplesMs']);
            return $s + ['headline' => sprintf('median %.3f ms, p99 %.3f ms', $s['median'], $s['p99'])];
        });
        scenario("call:$latency", "MindboxClient::call() at $latency ms, $n calls", static function () use ($latency, $n) {
            reset_emulator($latency);
            $r = worker('ext_call.php', target($latency, outbox_path('call')) + ['n' => $n]);
            $s = bench_summary($r['samplesMs']) + ['cpuMsPerEvent' => 1000 * $r['cpuSeconds'] / $r['n']];
            $s['connections'] = bench_control($GLOBALS['emulators'][$latency]['url'], 'GET', '/stats')['mindboxConnections'];
            return $s + ['headline' => sprintf('median %.3f ms, p99 %.3f ms, %d connection(s)', $s['median'], $s['p99'], $s['connections'])];
        });
    }
}

/** send()/createOrder(): the shop's wait, back to back and at a steady rate, and a new process's first one. */
function run_send_scenarios(array $config): void
{
    foreach ([0, 50] as $latency) {
        $n = $config['sends'];
        scenario("send:$latency", "createOrder() back to back at $latency ms, $n sends", static function () use ($latency, $n) {
            reset_emulator($latency);
            $r = worker('ext_send.php', target($latency, outbox_path('send')) + ['mode' => 'createOrder', 'n' => $n]);
            $s = bench_summary($r['samplesMs']) + [
                'cpuMsPerEvent' => 1000 * $r['cpuSeconds'] / $r['n'],
                'threadCpuMsPerEvent' => 1000 * $r['threadCpuSeconds'] / $r['n'],
            ];
            return $s + ['headline' => sprintf('median %.4f ms, p99 %.4f ms', $s['median'], $s['p99'])];
        });
        $paced = $config['pacedSends'];
        $rate = $config['pacedRate'];
        scenario("paced:$latency", "send() of the mix at $rate/s at $latency ms, $paced sends", static function () use ($latency, $paced, $rate) {
            reset_emulator($latency);
            $r = worker('ext_send.php', target($latency, outbox_path('paced')) + ['mode' => 'mix', 'n' => $paced, 'rate' => $rate]);
            $s = bench_summary($r['samplesMs']) + [
                'cpuMsPerEvent' => 1000 * $r['cpuSeconds'] / $r['n'],
                'threadCpuMsPerEvent' => 1000 * $r['threadCpuSeconds'] / $r['n'],
            ];
            return $s + ['headline' => sprintf('median %.4f ms, p99 %.4f ms, CPU %.3f ms/event', $s['median'], $s['p99'], $s['cpuMsPerEvent'])];
        });
    }
    $paced = $config['pacedSends'];
    $rate = $config['pacedRate'];
    scenario('bare:0', "the floor: a bare INSERT of the mix at $rate/s, $paced events", static function () use ($paced, $rate) {
        // Nothing is delivered: the emulator's count stays 0, so no server CPU is put per event.
        reset_emulator(0);
        $r = worker('bare_insert.php', ['outbox' => outbox_path('bare'), 'n' => $paced, 'rate' => $rate], false);
        $s = bench_summary($r['samplesMs']) + ['cpuMsPerEvent' => 1000 * $r['cpuSeconds'] / $r['n']];
        return $s + ['headline' => sprintf('median %.4f ms, p99 %.4f ms', $s['median'], $s['p99'])];
    });
    scenario('cold:0', "first createOrder() of a new process, {$config['coldProcesses']} processes", static function () use ($config) {
        reset_emulator(0);
        $path = outbox_path('cold');
        worker('ext_send.php', target(0, $path) + ['mode' => 'cold']);
        $first = [];
        $second = [];
        for ($i = 0; $i < $config['coldProcesses']; $i++) {
            $r = worker('ext_send.php', target(0, $path) + ['mode' => 'cold']);
            $first[] = $r['firstMs'];
            $second[] = $r['secondMs'];
        }
        $s = bench_summary($first) + ['second' => bench_summary($second)];
        return $s + ['headline' => sprintf('median %.3f ms, p99 %.3f ms', $s['median'], $s['p99'])];
    });
}
