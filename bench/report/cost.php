<?php

declare(strict_types=1);

/** 4. Cost: CPU, memory and disk. */

/** CPU per event: the PHP way, and the extension on either backend. */
function report_cpu_rows(ReportTable $t): void
{
    report_cpu_same_run_rows($t);
    $phpCpu = $t->get('phpway:0', 'cpuMsPerEvent');
    if ($phpCpu !== null) {
        $t->row('CPU per event: the PHP way (PHP process: json_encode, curl, connect)', '0 ms', ms($phpCpu), '—', '1×');
    }
    $serverCpu = static fn (string $key): string => server_cpu_note($t, $key);
    foreach (REPORT_BACKENDS as $b => $label) {
        foreach ([50, 0] as $l) {
            $c = $t->get("{$b}paced:$l", 'cpuMsPerEvent');
            if ($c !== null) {
                $t->row(sprintf('%sCPU per event: send() at %d/s + background delivery (whole process%s)', $label, $t->config['pacedRate'], $serverCpu("{$b}paced:$l")), "$l ms", ms($c), '—', $phpCpu ? compare($phpCpu / $c, 'less CPU', 'more CPU') : '—');
            }
        }
        $c = $t->get("{$b}deliver:0:1", 'cpuMsPerEvent');
        if ($c !== null) {
            $t->row(sprintf('%sCPU per event: %s sends of the mix + delivery, limit lifted, 1 process (whole process%s)', $label, number_format($t->get("{$b}deliver:0:1", 'events')), $serverCpu("{$b}deliver:0:1")), '0 ms', ms($c), '—', $phpCpu ? compare($phpCpu / $c, 'less CPU', 'more CPU') : '—');
        }
    }
    if ($t->get('send:50') !== null) {
        $c = $t->get('send:50', 'threadCpuMsPerEvent');
        $t->row('CPU per event: createOrder() back to back, the shop\'s thread only', '50 ms', ms($c), '—', $phpCpu ? compare($phpCpu / $c, 'less CPU', 'more CPU') : '—');
    }
}

/** The MySQL rows' server works for the process: its CPU is told beside the process's own. */
function server_cpu_note(ReportTable $t, string $key): string
{
    return $t->get($key, 'serverCpuMsPerEvent') === null ? '' : sprintf(
        '; the MariaDB server besides: %s per event it delivered (%s events, warm-up included)',
        ms($t->get($key, 'serverCpuMsPerEvent')),
        number_format((int)$t->get($key, 'serverEvents'))
    );
}

/**
 * CPU per event at 100/s, the PHP way and ours side by side from the same run, on either backend: the PHP way's
 * process, and our whole process per delivered event.
 */
function report_cpu_same_run_rows(ReportTable $t): void
{
    foreach (REPORT_BACKENDS as $b => $label) {
        $k = "{$b}cpu100:0";
        if ($t->get($k) === null) {
            continue;
        }
        [$php, $ours, $n] = [$t->get($k, 'phpCpuMsPerEvent'), $t->get($k, 'cpuMsPerEvent'), (int)$t->get($k, 'events')];
        $what = sprintf('%sCPU per event, the PHP way vs ours, same run: %s events of the mix at %d/s', $label, number_format($n), (int)$t->get($k, 'rate'));
        $t->row("$what; the PHP way (its process: json_encode, curl, a new connection each, the answer awaited)", '0 ms', ms($php), '—', '1×');
        $missing = $n - (int)$t->get($k, 'delivered');
        $delivery = $missing === 0 ? sprintf('all %s delivered', number_format($n)) : sprintf('**%s not delivered**', number_format($missing));
        $duplicates = (int)$t->get($k, 'duplicates');
        $target = $b === '' ? ['≤ 0.2 ms per delivered event', verdict($ours <= 0.2 && $missing === 0, $missing === 0 ? over($ours, 0.2) : 'events not delivered')] : ['', ''];
        $t->row(
            sprintf(
                '%s; ours: send() + background delivery, the whole process per delivered event, from its warm-up delivered to the last event delivered (%s%s%s)',
                $what,
                $delivery,
                $duplicates > 0 ? sprintf(', %d answered as duplicates', $duplicates) : '',
                server_cpu_note($t, $k)
            ),
            '0 ms',
            ms($ours),
            '—',
            compare($php / $ours, 'less CPU', 'more CPU'),
            ...$target
        );
    }
}

/** Resident memory with and without the extension, and its growth with the sends. */
function report_memory_rows(ReportTable $t): void
{
    $phpCpu = $t->get('phpway:0', 'cpuMsPerEvent');

    if ($t->get('memory:0') !== null) {
        $m = $t->scenarios['memory:0'];
        $c = $m['cpuMsPerEvent'];
        $lastSends = end($m['ext']['checkpoints'])['sends'];
        $t->row(sprintf('CPU per event: %s sends back to back + delivery, limit lifted (whole process)', number_format($lastSends)), '0 ms', ms($c), '—', $phpCpu ? compare($phpCpu / $c, 'less CPU', 'more CPU') : '—');
        $t->row('resident memory: PHP without the extension, same script', '', mb($m['baselineKiB']), '—', '—');
        $t->row('resident memory: PHP with the extension loaded, idle', '', mb($m['loadedKiB']), '—', '—');
        $series = implode(', ', array_map(static fn ($c) => number_format($c['sends']) . ': ' . mb($c['rssKiB']) . " ({$c['threads']} threads)", $m['ext']['checkpoints']));
        $t->row("resident memory with the extension, after n sends, delivered ($series)", '0 ms', mb($m['lastKiB']), '—', '—', '≤ +5 MB over PHP without it', verdict($m['addedKiB'] <= 5 * 1000 * 1000 / 1024, sprintf('+%s', mb($m['addedKiB']))));
        // A leak grows in proportion to the sends; caches warming up grow less with each step.
        // Judged on the last half of the sends (50,000 → 100,000 by default).
        $cps = $m['ext']['checkpoints'];
        $mid = $cps[max(0, count($cps) - 2)];
        $growthTail = end($cps)['rssKiB'] - $mid['rssKiB'];
        $steps = [];
        for ($i = 1; $i < count($cps); $i++) {
            $steps[] = sprintf('%+.1f', ($cps[$i]['rssKiB'] - $cps[$i - 1]['rssKiB']) * 1024 / 1e6);
        }
        $t->row(
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
}

/** The outbox on disk. */
function report_disk_row(ReportTable $t): void
{
    if ($t->get('disk:0') !== null) {
        $d = $t->scenarios['disk:0'];
        $t->row(
            sprintf('outbox on disk per 100,000 pending events (db %s + WAL %s + shm, %s events)', mb($d['bytes']['db'] / 1024), mb($d['bytes']['wal'] / 1024), number_format($d['events'])),
            '',
            sprintf('%.1f MB', $d['bytesPer100k'] / 1e6),
            '—',
            '—'
        );
    }
}
