<?php

declare(strict_types=1);

/** 1. The shop's request: how long it waits per event. */

// A MySQL outbox's send() is a round trip to the server and its commit: its own, looser target.
const REPORT_SEND_LIMITS = ['' => [0.05, 0.5], 'mysql:' => [0.5, 2.0]];

/** The PHP way, the emulator's own latency and call(), at both latencies. */
function report_call_rows(ReportTable $t): void
{
    foreach ([0, 50] as $l) {
        if ($t->get("phpway:$l") !== null) {
            $t->row("PHP way: curl, new connection per call, sync (spec's order body, legacy auth)", "$l ms", ms($t->get("phpway:$l", 'median')), ms($t->get("phpway:$l", 'p99')), '1×');
        }
    }
    foreach ([0, 50] as $l) {
        if ($t->get("floor:$l") !== null) {
            $t->row("the emulator's own latency: curl with one kept-alive connection (the floor; not a shop's way)", "$l ms", ms($t->get("floor:$l", 'median')), ms($t->get("floor:$l", 'p99')), '—');
        }
    }
    foreach ([0, 50] as $l) {
        $m = $t->get("call:$l", 'median');
        if ($m === null) {
            continue;
        }
        // "Above the emulator's own latency": what the cheapest client measures, not the nominal
        // setting (a 50 ms sleep in the emulator's runtime takes a little longer than 50 ms).
        $floor = $t->get("floor:$l", 'median') ?? (float)$l;
        $limit = $floor + 0.2;
        $target = sprintf('median ≤ floor + 0.2 ms = %s', ms($limit)) . ($l === 0 ? '; faster than the PHP way' : '');
        $ok = $m <= $limit && ($l !== 0 || ($t->php[0] !== null && $m < $t->php[0]));
        $by = $m > $limit ? sprintf('%s above the floor', ms($m - $floor)) : (($l === 0 && $t->php[0] !== null && $m >= $t->php[0]) ? 'slower than the PHP way' : '');
        $t->row('MindboxClient::call(), sync, pooled connection', "$l ms", ms($m), ms($t->get("call:$l", 'p99')), $t->php[$l] ? compare($t->php[$l] / $m, 'faster', 'slower') : '—', $target, verdict($ok, $by));
    }
}

/** send() of the shop's request, on either backend. */
function report_send_rows(ReportTable $t): void
{
    foreach (REPORT_BACKENDS as $b => $label) {
        foreach ([0, 50] as $l) {
            $m = $t->get("{$b}send:$l", 'median');
            if ($m === null) {
                continue;
            }
            [$target, $status] = send_target($m, $t->get("{$b}send:$l", 'p99'), $t->php[$l], $l === 50 && $b === '', ...REPORT_SEND_LIMITS[$b]);
            $t->row(sprintf('%screateOrder(), %s back to back: the shop\'s wait (outbox, default limit)', $label, number_format($t->config['sends'])), "$l ms", ms($m), ms($t->get("{$b}send:$l", 'p99')), $t->lessWait($l, $m), $target, $status);
        }
    }
    foreach (REPORT_BACKENDS as $b => $label) {
        foreach ([0, 50] as $l) {
            $m = $t->get("{$b}paced:$l", 'median');
            if ($m === null) {
                continue;
            }
            [$target, $status] = send_target($m, $t->get("{$b}paced:$l", 'p99'), $t->php[$l], $l === 50 && $b === '', ...REPORT_SEND_LIMITS[$b]);
            $t->row(sprintf('%ssend() of the operation mix at a steady %d/s: the shop\'s wait', $label, $t->config['pacedRate']), "$l ms", ms($m), ms($t->get("{$b}paced:$l", 'p99')), $t->lessWait($l, $m), $target, $status);
        }
        $floor = $t->get("{$b}bare:0", 'median');
        if ($floor !== null) {
            $store = $b === '' ? 'PHP\'s sqlite3, WAL, 2 KiB pages and synchronous = NORMAL as the outbox' : 'mysqli, autocommitted, the server\'s default durability';
            $t->row(sprintf('%sthe floor under send() at a steady %d/s: the same bodies, JSON-encoded, each a bare INSERT, no outbox (%s)', $label, $t->config['pacedRate'], $store), '', ms($floor), ms($t->get("{$b}bare:0", 'p99')), '—');
        }
    }
    foreach (REPORT_BACKENDS as $b => $label) {
        if ($t->get("{$b}deliver:0:1") !== null) {
            $m = $t->get("{$b}deliver:0:1", 'send', 'median');
            $t->row("{$label}send() while the same process delivers at full speed (limit lifted)", '0 ms', ms($m), ms($t->get("{$b}deliver:0:1", 'send', 'p99')), $t->lessWait(0, $m));
        }
    }
    if ($t->get('cold:0') !== null) {
        $m = $t->get('cold:0', 'median');
        $t->row('new MindboxClient + first createOrder() of a new PHP process (opens the outbox)', '0 ms', ms($m), ms($t->get('cold:0', 'p99')), $t->lessWait(0, $m));
    }
}

/** A send()'s target and verdict: its median and p99 wait, and against the PHP way's when asked. */
function send_target(?float $median, ?float $p99, ?float $phpMs, bool $ratio, float $medianMax = 0.05, float $p99Max = 0.5): array
{
    $misses = [];
    if ($median > $medianMax) {
        $misses[] = 'median ' . over($median, $medianMax);
    }
    if ($p99 > $p99Max) {
        $misses[] = 'p99 ' . over($p99, $p99Max);
    }
    $target = "median ≤ $medianMax ms, p99 ≤ $p99Max ms";
    if ($ratio) {
        $target .= '; ≥ 1,000× less wait than the PHP way';
        if ($phpMs !== null && $median > 0 && $phpMs / $median < 1000) {
            $misses[] = sprintf('only %s less', times($phpMs / $median));
        }
    }
    return [$target, verdict($misses === [], implode('; ', $misses))];
}
