<?php

declare(strict_types=1);

/**
 * The aggregator: turns bench/run.php's JSON into one table (median, p99, the ratio to the PHP
 * way, the target and whether it is met), prints it, writes it as markdown, and optionally puts
 * it into the README's Benchmarks section (between the bench:start and bench:end markers).
 *
 *     php bench/report.php results.json bench/results.md [--readme README.md]
 */

require __DIR__ . '/lib.php';

[$in, $md] = [$argv[1] ?? '', $argv[2] ?? ''];
$readme = null;
if (($argv[3] ?? '') === '--readme') {
    $readme = $argv[4] ?? null;
}
$data = json_decode((string)@file_get_contents($in), true);
if (!is_array($data) || $md === '') {
    bench_fail('usage: php bench/report.php results.json results.md [--readme README.md]');
}
$sc = $data['scenarios'];
$cfg = $data['config'];
$get = static function (string $key, string ...$path) use ($sc): mixed {
    $v = $sc[$key] ?? null;
    foreach ($path as $p) {
        if (!is_array($v) || !array_key_exists($p, $v)) {
            return null;
        }
        $v = $v[$p];
    }
    return $v;
};

function ms(?float $v): string
{
    if ($v === null) {
        return '—';
    }
    if ($v < 0.1) {
        return sprintf('%.4f ms', $v);
    }
    if ($v < 10) {
        return sprintf('%.3f ms', $v);
    }
    return sprintf('%.1f ms', $v);
}

function rate(?float $v): string
{
    return $v === null ? '—' : number_format($v, $v < 1000 ? 1 : 0) . ' /s';
}

function secs(?float $v): string
{
    return $v === null ? '—' : sprintf('%.1f s', $v);
}

/** A duration: milliseconds under a second, else seconds. */
function duration(?float $seconds): string
{
    return $seconds !== null && $seconds < 1 ? ms(1000 * $seconds) : secs($seconds);
}

function mb(?float $kib): string
{
    return $kib === null ? '—' : sprintf('%.1f MB', $kib * 1024 / 1e6);
}

function times(?float $v): string
{
    if ($v === null || !is_finite($v)) {
        return '—';
    }
    return ($v >= 100 ? number_format($v, 0) : sprintf($v < 1 ? '%.2f' : '%.1f', $v)) . '×';
}

/** "3.2× faster" when the ratio is at least 1, else "1.5× slower": never "0.7× faster". */
function compare(?float $ratio, string $better, string $worse): string
{
    if ($ratio === null || !is_finite($ratio) || $ratio <= 0) {
        return '—';
    }
    return $ratio >= 1 ? times($ratio) . " $better" : times(1 / $ratio) . " $worse";
}

/**
 * A target's verdict: "met" or "**missed**" with by how much.
 */
function verdict(bool $met, string $by = ''): string
{
    return $met ? 'met' : '**missed**' . ($by !== '' ? " ($by)" : '');
}

/** Over a ceiling: by how much, as "2.3× the target" (or "+40% over" when closer). */
function over(float $value, float $limit): string
{
    return $value >= 2 * $limit ? sprintf('%.1f× the target', $value / $limit) : sprintf('+%.0f%% over', 100 * ($value / $limit - 1));
}

$rows = [];
$verdicts = [];
$row = static function (string $what, string $latency, string $median, string $p99, string $vs, string $target = '', string $status = '') use (&$rows, &$verdicts): void {
    $rows[] = [count($rows) + 1, $what, $latency, $median, $p99, $vs, $target, $status];
    if ($status !== '') {
        $verdicts[] = [count($rows), $what . ($latency !== '' ? " ($latency)" : ''), $target, $status];
    }
};

$php = [0 => $get('phpway:0', 'median'), 50 => $get('phpway:50', 'median')];
// The scenarios bench/run.php measured again with the outbox on MySQL carry this key prefix; their
// rows follow the SQLite rows they repeat, named by the label.
$backends = ['' => '', 'mysql:' => 'MySQL outbox: '];
$phpRate = array_map(static fn ($m) => $m ? 1000 / $m : null, $php);
$less = static fn (?float $phpMs, ?float $ms): string => ($phpMs && $ms) ? compare($phpMs / $ms, 'less wait', 'more wait') : '—';

// 1. The shop's request: how long it waits per event.
foreach ([0, 50] as $l) {
    if ($get("phpway:$l") !== null) {
        $row("PHP way: curl, new connection per call, sync (spec's order body, legacy auth)", "$l ms", ms($get("phpway:$l", 'median')), ms($get("phpway:$l", 'p99')), '1×');
    }
}
foreach ([0, 50] as $l) {
    if ($get("floor:$l") !== null) {
        $row("the emulator's own latency: curl with one kept-alive connection (the floor; not a shop's way)", "$l ms", ms($get("floor:$l", 'median')), ms($get("floor:$l", 'p99')), '—');
    }
}
foreach ([0, 50] as $l) {
    $m = $get("call:$l", 'median');
    if ($m === null) {
        continue;
    }
    // "Above the emulator's own latency": what the cheapest client measures, not the nominal
    // setting (a 50 ms sleep in the emulator's runtime takes a little longer than 50 ms).
    $floor = $get("floor:$l", 'median') ?? (float)$l;
    $limit = $floor + 0.2;
    $target = sprintf('median ≤ floor + 0.2 ms = %s', ms($limit)) . ($l === 0 ? '; faster than the PHP way' : '');
    $ok = $m <= $limit && ($l !== 0 || ($php[0] !== null && $m < $php[0]));
    $by = $m > $limit ? sprintf('%s above the floor', ms($m - $floor)) : (($l === 0 && $php[0] !== null && $m >= $php[0]) ? 'slower than the PHP way' : '');
    $row('MindboxClient::call(), sync, pooled connection', "$l ms", ms($m), ms($get("call:$l", 'p99')), $php[$l] ? compare($php[$l] / $m, 'faster', 'slower') : '—', $target, verdict($ok, $by));
}
// A MySQL outbox's send() is a round trip to the server and its commit: its own, looser target.
$sendLimits = ['' => [0.05, 0.5], 'mysql:' => [0.5, 2.0]];
$sendTarget = static function (?float $median, ?float $p99, ?float $phpMs, bool $ratio, float $medianMax = 0.05, float $p99Max = 0.5): array {
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
};
foreach ($backends as $b => $label) {
    foreach ([0, 50] as $l) {
        $m = $get("{$b}send:$l", 'median');
        if ($m === null) {
            continue;
        }
        [$target, $status] = $sendTarget($m, $get("{$b}send:$l", 'p99'), $php[$l], $l === 50 && $b === '', ...$sendLimits[$b]);
        $row(sprintf('%screateOrder(), %s back to back: the shop\'s wait (outbox, default limit)', $label, number_format($cfg['sends'])), "$l ms", ms($m), ms($get("{$b}send:$l", 'p99')), $less($php[$l], $m), $target, $status);
    }
}
foreach ($backends as $b => $label) {
    foreach ([0, 50] as $l) {
        $m = $get("{$b}paced:$l", 'median');
        if ($m === null) {
            continue;
        }
        [$target, $status] = $sendTarget($m, $get("{$b}paced:$l", 'p99'), $php[$l], $l === 50 && $b === '', ...$sendLimits[$b]);
        $row(sprintf('%ssend() of the operation mix at a steady %d/s: the shop\'s wait', $label, $cfg['pacedRate']), "$l ms", ms($m), ms($get("{$b}paced:$l", 'p99')), $less($php[$l], $m), $target, $status);
    }
}
foreach ($backends as $b => $label) {
    if ($get("{$b}deliver:0:1") !== null) {
        $m = $get("{$b}deliver:0:1", 'send', 'median');
        $row("{$label}send() while the same process delivers at full speed (limit lifted)", '0 ms', ms($m), ms($get("{$b}deliver:0:1", 'send', 'p99')), $less($php[0], $m));
    }
}
if ($get('cold:0') !== null) {
    $m = $get('cold:0', 'median');
    $row('new MindboxClient + first createOrder() of a new PHP process (opens the outbox)', '0 ms', ms($m), ms($get('cold:0', 'p99')), $less($php[0], $m));
}

// 2. Delivery.
$busiest = static function (?array $operations): array {
    if (!$operations) {
        return [null, null];
    }
    $best = null;
    $name = null;
    foreach ($operations as $op => $o) {
        if ($best === null || $o['count'] > $operations[$best]['count']) {
            $best = $op;
        }
    }
    return [$best, $operations[$best]['rate'] ?? null];
};
// Against the 0 ms emulator the whole delivery rate counts; at 50 ms, the busiest operation's.
// A MySQL outbox's delivery pays round trips to the server for every claim and settle.
$deliveryFloor = ['' => 2000, 'mysql:' => 1000];
$deliveryTarget = static function (int $latency, float $overall, ?string $op, ?float $opRate, int $floor = 2000): array {
    if ($latency === 0) {
        return ['overall ≥ ' . number_format($floor) . ' /s', verdict($overall >= $floor, sprintf('%.1f%% short', 100 * (1 - $overall / $floor)))];
    }
    return [
        "≥ 130 /s per operation (busiest, $op: " . rate($opRate) . ')',
        verdict($opRate >= 130, sprintf('%.0f%% short', 100 * (1 - $opRate / 130))),
    ];
};
foreach ($backends as $b => $label) {
    foreach ([0, 50] as $l) {
        foreach ([1, (int)$cfg['procs']] as $p) {
            $k = "{$b}deliver:$l:$p";
            if ($get($k) === null) {
                continue;
            }
            $overall = $get($k, 'overall');
            [$op, $opRate] = $busiest($get($k, 'operations'));
            [$target, $status] = $deliveryTarget($l, $overall, $op, $opRate, $deliveryFloor[$b]);
            $row(
                sprintf('%sdelivery, limit lifted, %d sending process%s, %s events of the mix: overall %s', $label, $p, $p > 1 ? 'es' : '', number_format($get($k, 'events')), rate($overall)),
                "$l ms",
                rate($get($k, 'windowMedian')),
                rate($get($k, 'windowP99')),
                $phpRate[$l] ? times($overall / $phpRate[$l]) . ' the PHP way\'s rate' : '—',
                $target,
                $status
            );
        }
    }
}
foreach ($backends as $b => $label) {
    foreach ([0, 50] as $l) {
        $k = "{$b}drain:$l";
        if ($get($k) === null) {
            continue;
        }
        $overall = $get($k, 'overall');
        [$op, $opRate] = $busiest($get($k, 'operations'));
        [$target, $status] = $deliveryTarget($l, $overall, $op, $opRate, $deliveryFloor[$b]);
        $row(
            sprintf(
                '%sbacklog of %s events drained by flush(), limit lifted: overall %s in %s (flush() returned after %s)',
                $label,
                number_format($get($k, 'events')),
                rate($overall),
                secs($get($k, 'secondsFromStart')),
                secs($get($k, 'flushSeconds'))
            ),
            "$l ms",
            rate($get($k, 'windowMedian')),
            rate($get($k, 'windowP99')),
            $phpRate[$l] ? times($overall / $phpRate[$l]) . ' the PHP way\'s rate' : '—',
            $target,
            $status
        );
    }
}
if ($get('oneop:50') !== null) {
    $overall = $get('oneop:50', 'overall');
    $limitRate = BENCH_DEFAULT_RATE_LIMIT / 60;
    $row(
        sprintf('one operation (Website.CreateOrder), default limit (%s), backlog of %s: overall %s', rate($limitRate), number_format($get('oneop:50', 'events')), rate($overall)),
        '50 ms',
        rate($get('oneop:50', 'windowMedian')),
        rate($get('oneop:50', 'windowP99')),
        $phpRate[50] ? times($overall / $phpRate[50]) . ' the PHP way\'s rate' : '—',
        '≥ 130 /s per operation',
        verdict($overall >= 130, sprintf('%.0f%% short', 100 * (1 - $overall / 130)))
            . ($overall > $limitRate * 1.005 ? sprintf('; above the limit of %.1f /s', $limitRate) : '')
    );
}
$maxPerMinute = 0;
foreach ([0, 50] as $l) {
    $k = "outage:$l";
    if ($get($k) === null) {
        continue;
    }
    $drain = $get($k, 'drainSeconds');
    $allowed = $get($k, 'allowedSeconds');
    [$op, $opRate] = $busiest($get($k, 'operations'));
    $maxPerMinute = max($maxPerMinute, (int)$get($k, 'maxPerMinute'));
    $row(
        sprintf(
            'outage backlog, %s events of the mix, default limit: drain time (busiest, %s: %s)',
            number_format($get($k, 'events')),
            $op,
            rate($opRate)
        ),
        "$l ms",
        secs($drain),
        '—',
        '—',
        sprintf('≤ %s (the limit allows %s, +10%%)', secs($allowed * 1.1), secs($allowed)),
        verdict($drain <= $allowed * 1.1, sprintf('%+.0f%% over the allowed time', 100 * ($drain / $allowed - 1)))
    );
}
if ($maxPerMinute > 0) {
    $row(
        'most requests of one operation in any 60 s window during those drains',
        '',
        number_format($maxPerMinute),
        '—',
        '—',
        sprintf('≤ %s (Mindbox\'s limit)', number_format(BENCH_DEFAULT_RATE_LIMIT)),
        $maxPerMinute <= BENCH_DEFAULT_RATE_LIMIT ? 'met' : sprintf('**over the limit** by %s', number_format($maxPerMinute - BENCH_DEFAULT_RATE_LIMIT))
    );
}
if ($get('recovery:50') !== null) {
    $r = $sc['recovery:50'];
    $first = $r['firstDeliveryAfterRecovery'];
    $drained = $r['drainedAfterRecovery'];
    $row(
        sprintf(
            'real-time outage of %d s at %d events/s from %d processes, then Mindbox is back: first delivery after / backlog (%s events) gone after',
            (int)$r['outageSeconds'],
            (int)$r['rate'],
            (int)($r['processes'] ?? 1),
            number_format((int)$r['backlogAtRecovery'])
        ),
        '50 ms',
        ($first === null ? 'never' : secs($first)) . ' / ' . ($drained === null ? 'never' : secs($drained)),
        '—',
        '—',
        sprintf('backlog gone ≤ %s (the limit allows %s, +10%%)', secs($r['allowedSeconds'] * 1.1), secs($r['allowedSeconds']))
            . ((float)$r['outageSeconds'] < 600 ? '; the target is set for 600 s: the wait for the next probe of Mindbox does not shrink with a shorter outage' : ''),
        $drained === null
            ? sprintf('**missed** (not drained within %s)', secs((float)$r['outageSeconds'] * 2 + 300))
            : verdict($drained <= $r['allowedSeconds'] * 1.1, sprintf('%+.0f%% over', 100 * ($drained / $r['allowedSeconds'] - 1)))
    );
}

// 3. A real PHP-FPM pool under a shop's traffic.
/** "+1.2 MB" */
function plus_mb(?float $kib): string
{
    return $kib === null ? '—' : sprintf('%+.1f MB', $kib * 1024 / 1e6);
}

// The pool and the methods are told once, under the table ("FPM rows").
$fpmVariants = [
    'fpm:50' => 'FPM pool, inline delivery, pm.max_requests = 0',
    'fpmrecycle:50' => sprintf('FPM pool, inline delivery, pm.max_requests = %d', $cfg['fpmRecycleRequests'] ?? 20),
    'fpmdaemon:50' => 'FPM pool, the delivery daemon (mindbox.delivery = external)',
];
foreach ($fpmVariants as $k => $variant) {
    $f = $sc[$k] ?? null;
    if ($f === null) {
        continue;
    }
    $what = sprintf('%s, %.0f s', $variant, $f['windowSeconds']);
    $lat = $f['latencyMs'];
    $row(
        sprintf('%s: delivery latency, send() returned → Mindbox received it (%s events; %d never arrived, %d answered as duplicates)', $what, number_format($lat['n']), $f['lost'], $f['duplicates']),
        '50 ms',
        ms($lat['median']),
        ms($lat['p99']),
        '—',
        'p99 ≤ 200 ms',
        verdict($lat['p99'] <= 200 && $f['lost'] === 0, $f['lost'] > 0 ? "{$f['lost']} lost" : over($lat['p99'], 200))
    );
    [$target, $status] = $sendTarget($f['sendMs']['median'], $f['sendMs']['p99'], null, false);
    $row("$what: send() inside a worker, timed by the request itself", '50 ms', ms($f['sendMs']['median']), ms($f['sendMs']['p99']), '—', $target, $status);

    $cpu = $f['cpu'];
    if ($cpu['daemonMsPerEvent'] !== null) {
        [$label, $value] = [sprintf('CPU per delivered event of the daemon (the whole process; the workers\' extension threads: %s)', ms($cpu['workersMsPerEvent'])), $cpu['daemonMsPerEvent']];
    } elseif ($cpu['holderMsPerEvent'] !== null) {
        [$label, $value] = [sprintf('CPU per delivered event in the lease holder (its process less its PHP thread; all %d workers\' extension threads together: %s)', $f['workers'], ms($cpu['workersMsPerEvent'])), $cpu['holderMsPerEvent']];
    } else {
        [$label, $value] = [sprintf('CPU per delivered event, all workers\' extension threads together (each process less its PHP thread; the lease moved between %d workers)', $cpu['holders']), $cpu['workersMsPerEvent']];
    }
    $row("$what: $label", '50 ms', ms($value), '—', '—', '≤ 0.3 ms', verdict($value <= 0.3, over($value, 0.3)));

    $t = $f['threads'];
    $names = implode(', ', array_map(static fn ($n, $c) => "$n $c", array_keys($t['seenByName'] ?? []), $t['seenByName'] ?? [])) ?: 'none';
    if ($cpu['daemonMsPerEvent'] !== null) {
        $row(
            sprintf('%s: threads started in the workers (the PID namespace\'s count less the daemon\'s; every worker\'s threads sampled every 10 ms: %d seen; the daemon started %d)', $what, $t['workerThreadsSeenEver'], $t['seenInDaemon']),
            '50 ms',
            $t['inWorkers'] === null ? '—' : (string)$t['inWorkers'],
            '—',
            '—',
            '0',
            $t['inWorkers'] === null ? '' : verdict($t['inWorkers'] === 0 && $t['workerThreadsSeenEver'] === 0, "{$t['inWorkers']} threads")
        );
    } elseif ($t['perEvent'] !== null) {
        $row(
            sprintf('%s: threads created per delivered event (%d threads for %s events, from the pool\'s PID namespace counter less the %d workers FPM started; seen by name: %s)', $what, $t['inWorkers'], number_format($f['deliveredInWindow']), $t['workersRespawned'], $names),
            '50 ms',
            sprintf('%.3f', $t['perEvent']),
            '—',
            '—',
            '~0 (≤ 0.01)',
            verdict($t['perEvent'] <= 0.01, sprintf('%.0f× the target', $t['perEvent'] / 0.01))
        );
    }

    if (isset($f['rss'])) {
        $r = $f['rss'];
        $row(
            sprintf(
                '%s: resident memory (VmRSS) added per worker that sent, the largest (median %s%s; of it private anonymous memory: median %s, largest %s, and the extension\'s file (its code, shared by all workers): median %s; Pss, shared pages divided among the workers: median %s, largest %s; after the idle time: largest %s; against the same worker after the same requests without the extension\'s work, %s)',
                $what,
                plus_mb($r['addedMedianKiB']),
                $r['addedHolderKiB'] === null ? '' : ', the holder ' . plus_mb($r['addedHolderKiB']),
                plus_mb($r['addedAnonMedianKiB']),
                plus_mb($r['addedAnonMaxKiB']),
                plus_mb($r['addedExtensionFileMedianKiB'] ?? null),
                plus_mb($r['addedPssMedianKiB'] ?? null),
                plus_mb($r['addedPssMaxKiB'] ?? null),
                plus_mb($r['addedIdleMaxKiB']),
                mb($r['baselineMedianKiB'])
            ),
            '50 ms',
            plus_mb($r['addedMaxKiB']),
            '—',
            '—',
            '≤ +3 MB',
            verdict($r['addedMaxKiB'] <= 3 * 1e6 / 1024, plus_mb($r['addedMaxKiB']))
        );
    }
    if (isset($f['idle'])) {
        $i = $f['idle'];
        $other = count($i['commits']) - $i['leaseReleases'];
        $empty = $i['emptyWrites'];
        $row(
            sprintf(
                '%s: write transactions in the idle pool during %.0f s after the last event was settled: with changes (the -shm commit counter, every 10 ms) / empty (write locks seen by strace less commits)%s',
                $what,
                $i['seconds'],
                ($i['leaseReleases'] > 0 ? sprintf('; %d of the commits is the lease\'s release, allowed', $i['leaseReleases']) : '; the lease stays held')
                    . ($i['writersOtherThanHolder'] ? sprintf('; %d workers other than the holder wrote, the last %s after the drain', $i['writersOtherThanHolder'], duration($i['lastOtherWriterSeconds'] ?? null)) : '')
            ),
            '50 ms',
            sprintf('%d / %s', count($i['commits']), $empty === null ? '?' : (string)$empty),
            '—',
            '—',
            '0 (the lease release allowed)',
            $empty === null ? '' : verdict($other <= 0 && $empty === 0, implode('; ', array_filter([$other > 0 ? "$other commits" : '', $empty > 0 ? "$empty empty" : ''])))
        );
    }
}
if ($get('fpmkill:50') !== null) {
    $f = $sc['fpmkill:50'];
    $k = $f['kill'];
    $row(
        sprintf(
            'FPM pool, inline delivery: the delivering worker SIGKILLed under traffic, the longest time without a delivery after it (first delivery %s after the kill; %d never arrived, %d answered as duplicates)',
            $k['firstDeliveryAfter'] === null ? 'never' : duration($k['firstDeliveryAfter']),
            $f['lost'],
            $f['duplicates']
        ),
        '50 ms',
        $k['pid'] === null ? 'no holder' : duration($k['longestGap']),
        '—',
        '—',
        '≤ 5 s',
        $k['pid'] === null ? '' : verdict($k['longestGap'] <= 5 && $f['lost'] === 0, $f['lost'] > 0 ? "{$f['lost']} lost" : over($k['longestGap'], 5))
    );
}

// 4. Cost.
$phpCpu = $get('phpway:0', 'cpuMsPerEvent');
if ($phpCpu !== null) {
    $row('CPU per event: the PHP way (PHP process: json_encode, curl, connect)', '0 ms', ms($phpCpu), '—', '1×');
}
// The MySQL rows' server works for the process: its CPU is told beside the process's own.
$serverCpu = static fn (string $key): string => $get($key, 'serverCpuMsPerEvent') === null ? '' : sprintf(
    '; the MariaDB server besides: %s per event it delivered (%s events, warm-up included)',
    ms($get($key, 'serverCpuMsPerEvent')),
    number_format((int)$get($key, 'serverEvents'))
);
foreach ($backends as $b => $label) {
    foreach ([50, 0] as $l) {
        $c = $get("{$b}paced:$l", 'cpuMsPerEvent');
        if ($c !== null) {
            $row(sprintf('%sCPU per event: send() at %d/s + background delivery (whole process%s)', $label, $cfg['pacedRate'], $serverCpu("{$b}paced:$l")), "$l ms", ms($c), '—', $phpCpu ? compare($phpCpu / $c, 'less CPU', 'more CPU') : '—');
        }
    }
    $c = $get("{$b}deliver:0:1", 'cpuMsPerEvent');
    if ($c !== null) {
        $row(sprintf('%sCPU per event: %s sends of the mix + delivery, limit lifted, 1 process (whole process%s)', $label, number_format($get("{$b}deliver:0:1", 'events')), $serverCpu("{$b}deliver:0:1")), '0 ms', ms($c), '—', $phpCpu ? compare($phpCpu / $c, 'less CPU', 'more CPU') : '—');
    }
}
if ($get('send:50') !== null) {
    $c = $get('send:50', 'threadCpuMsPerEvent');
    $row('CPU per event: createOrder() back to back, the shop\'s thread only', '50 ms', ms($c), '—', $phpCpu ? compare($phpCpu / $c, 'less CPU', 'more CPU') : '—');
}
if ($get('memory:0') !== null) {
    $m = $sc['memory:0'];
    $c = $m['cpuMsPerEvent'];
    $lastSends = end($m['ext']['checkpoints'])['sends'];
    $row(sprintf('CPU per event: %s sends back to back + delivery, limit lifted (whole process)', number_format($lastSends)), '0 ms', ms($c), '—', $phpCpu ? compare($phpCpu / $c, 'less CPU', 'more CPU') : '—');
    $row('resident memory: PHP without the extension, same script', '', mb($m['baselineKiB']), '—', '—');
    $row('resident memory: PHP with the extension loaded, idle', '', mb($m['loadedKiB']), '—', '—');
    $series = implode(', ', array_map(static fn ($c) => number_format($c['sends']) . ': ' . mb($c['rssKiB']) . " ({$c['threads']} threads)", $m['ext']['checkpoints']));
    $row("resident memory with the extension, after n sends, delivered ($series)", '0 ms', mb($m['lastKiB']), '—', '—', '≤ +5 MB over PHP without it', verdict($m['addedKiB'] <= 5 * 1000 * 1000 / 1024, sprintf('+%s', mb($m['addedKiB']))));
    // A leak grows in proportion to the sends; caches warming up grow less with each step.
    // Judged on the last half of the sends (50,000 → 100,000 by default).
    $cps = $m['ext']['checkpoints'];
    $mid = $cps[max(0, count($cps) - 2)];
    $growthTail = end($cps)['rssKiB'] - $mid['rssKiB'];
    $steps = [];
    for ($i = 1; $i < count($cps); $i++) {
        $steps[] = sprintf('%+.1f', ($cps[$i]['rssKiB'] - $cps[$i - 1]['rssKiB']) * 1024 / 1e6);
    }
    $row(
        sprintf(
            'memory growth with sends: %s → %s sends (steps between the checkpoints above: %s MB); over the last %s sends',
            number_format($cps[0]['sends']),
            number_format(end($cps)['sends']),
            implode(', ', $steps),
            number_format(end($cps)['sends'] - $mid['sends'])
        ),
        '',
        sprintf('%+.1f MB; %+.1f MB', $m['growthKiB'] * 1024 / 1e6, $growthTail * 1024 / 1e6),
        '—',
        '—',
        sprintf('no growth with the number of sends (≤ 0.5 MB over the last %s)', number_format(end($cps)['sends'] - $mid['sends'])),
        verdict($growthTail * 1024 <= 0.5e6, 'grows ' . mb($growthTail) . ' over the last half')
    );
}
if ($get('disk:0') !== null) {
    $d = $sc['disk:0'];
    $row(
        sprintf('outbox on disk per 100,000 pending events (db %s + WAL %s + shm, %s events)', mb($d['bytes']['db'] / 1024), mb($d['bytes']['wal'] / 1024), number_format($d['events'])),
        '',
        sprintf('%.1f MB', $d['bytesPer100k'] / 1e6),
        '—',
        '—'
    );
}

// Output.
$m = $data['machine'];
$machine = sprintf(
    '%d CPUs (%s), %.0f GiB memory; %s, kernel %s; PHP %s, curl %s; %s; commit %s',
    $m['nproc'],
    $m['cpu'],
    $m['memoryGiB'],
    $m['os'],
    $m['kernel'],
    $m['php'],
    $m['curl'],
    $m['rustc'],
    $m['commit']
);
$mix = implode(', ', array_map(static fn ($h, $p) => BENCH_OPERATION_NAMES[$h] . " $p %", array_keys(BENCH_OPERATION_MIX), BENCH_OPERATION_MIX));
$lines = [];
$lines[] = "Run of {$data['startedAt']} on $machine.";
$lines[] = '';
$lines[] = sprintf(
    'Scale %s (BENCH_SCALE), outage backlog %s events (BENCH_OUTAGE_SCALE %s of 10 min × 50/s = 30,000), real-time outage %d s (BENCH_OUTAGE_SECONDS; 600 is the full ten minutes). Operation mix: %s.',
    $cfg['scale'],
    number_format($cfg['outageEvents']),
    $cfg['outageScale'],
    (int)$cfg['outageSeconds'],
    $mix
);
$lines[] = '';
$lines[] = '| # | measurement | emulator latency | median | p99 | vs the PHP way | target | |';
$lines[] = '| ---: | --- | --- | ---: | ---: | --- | --- | --- |';
foreach ($rows as $r) {
    $lines[] = '| ' . implode(' | ', array_map(static fn ($c) => str_replace('|', '\\|', (string)$c), $r)) . ' |';
}
$lines[] = '';
$lines[] = 'Throughput rows: "median" and "p99" are over 0.5 s (0 ms) or 1 s (50 ms) windows of the delivery; the p99 column is the slow tail (the rate 99 % of the windows reach). Drain and memory rows have one value.';
if (preg_grep('/^mysql:/', array_keys($sc)) !== []) {
    $lines[] = '';
    $lines[] = sprintf(
        'MySQL rows: the same scenarios as the SQLite rows above them, the outbox in fresh tables (?prefix=) of a private %s on 127.0.0.1 over TCP (scripts/mariadb.sh; its data directory on the same file system as the SQLite files, InnoDB\'s defaults: the log flushed at every commit). '
        . 'Their "whole process" CPU is the PHP process\'s, as for SQLite; the server\'s own CPU (utime + stime of mariadbd from /proc) is given beside it.',
        $data['machine']['mysql'] ?? 'MariaDB'
    );
}
if (array_intersect_key($sc, $fpmVariants + ['fpmkill:50' => 1]) !== []) {
    $lines[] = '';
    $lines[] = sprintf(
        'FPM rows: a real php-fpm8.2 pool of %d static workers with the extension (on %d cores: most workers wait, as on a site at this rate), driven over FastCGI at %d requests a second, each request sending %d events with send() (Website.Register, Website.SetCart, Website.CreateOrder); measured after %d s of warm-up, the emulator at 50 ms (bench/fpm.php). '
        . 'Latency: the journal\'s receivedAt (the request\'s arrival at the emulator) less the time send() returned in the worker. '
        . 'CPU: utime + stime from /proc of a process less those of its main (PHP) thread, so the extension\'s threads alone, in 10 ms ticks; a worker that exits counts up to its last reading, at most 100 ms before. '
        . 'Threads: the pool runs in a PID namespace of its own (unshare), whose last-allocated pid counts every process and thread created in it, less the worker processes FPM started; the names come from sampling /proc/<pid>/task every 10 ms. '
        . 'Memory: VmRSS of each worker after the traffic against the same worker after %d s of the same requests that skip the extension (no client, no send()). '
        . 'Idle writes: SQLite\'s commit counter in the outbox\'s -shm header (iChange), read every 10 ms, counts the transactions that changed the file; strace on every worker (and the daemon), attached before the drain, counts the WAL write lock taken (byte 120 of the -shm file), which empty write transactions take too. '
        . 'Stall: the longest time between deliveries from the SIGKILL of the lease holder until the traffic ends (the shop kept sending, so events were pending all along).',
        $cfg['fpmWorkers'],
        $data['machine']['nproc'],
        $cfg['fpmRate'],
        $cfg['fpmEventsPerRequest'],
        $cfg['fpmWarmupSeconds'],
        $cfg['fpmBaselineSeconds']
    );
}
$disturbed = [];
foreach ($sc as $key => $s) {
    if (($s['foreignCpuShare'] ?? 0) > 0.15) {
        $disturbed[] = sprintf('%s (%.0f%% of a core)', $key, 100 * $s['foreignCpuShare']);
    }
}
if ($disturbed !== []) {
    $lines[] = '';
    $lines[] = 'Other processes used the CPUs during: ' . implode(', ', $disturbed) . '; those rows may be pessimistic.';
}
$met = count(array_filter($verdicts, static fn ($v) => $v[3] === 'met'));
$lines[] = '';
$lines[] = sprintf('Targets: %d of %d met.', $met, count($verdicts));
$table = implode("\n", $lines) . "\n";

echo $table;
file_put_contents($md, "# Benchmark results\n\nWritten by `bash scripts/bench.sh` (bench/run.php, bench/report.php).\n\n" . $table);
fwrite(STDERR, "written: $md\n");

if ($readme !== null) {
    $text = (string)file_get_contents($readme);
    $start = '<!-- bench:start -->';
    $end = '<!-- bench:end -->';
    $a = strpos($text, $start);
    $b = strpos($text, $end);
    if ($a === false || $b === false || $b < $a) {
        fwrite(STDERR, "$readme has no $start … $end section: left alone\n");
    } else {
        $text = substr($text, 0, $a + strlen($start)) . "\n" . $table . substr($text, $b);
        file_put_contents($readme, $text);
        fwrite(STDERR, "updated: $readme\n");
    }
}
