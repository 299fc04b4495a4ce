<?php

declare(strict_types=1);

/** 3. A real PHP-FPM pool under a shop's traffic. */

/**
 * The PHP-FPM scenarios of one pool each, by key. The pool and the methods are told once, under the table ("FPM
 * rows").
 *
 * @return array<string, string>
 */
function fpm_variants(array $config): array
{
    return [
        'fpm:50' => 'FPM pool, inline delivery, pm.max_requests = 0',
        'fpmrecycle:50' => sprintf('FPM pool, inline delivery, pm.max_requests = %d', $config['fpmRecycleRequests'] ?? 20),
        'fpmdaemon:50' => 'FPM pool, the delivery daemon (mindbox.delivery = external)',
    ];
}

/** Each pool's rows. */
function report_fpm_rows(ReportTable $report): void
{
    foreach (fpm_variants($report->config) as $k => $variant) {
        $f = $report->scenarios[$k] ?? null;
        if ($f === null) {
            continue;
        }
        $what = sprintf('%s, %.0f s', $variant, $f['windowSeconds']);
        fpm_latency_rows($report, $what, $f);
        fpm_cpu_row($report, $what, $f);
        fpm_threads_row($report, $what, $f);
        fpm_rss_row($report, $what, $f);
        fpm_idle_row($report, $what, $f);
    }
}

/** The delivery's latency, and send() inside a worker. */
function fpm_latency_rows(ReportTable $report, string $what, array $f): void
{
    $lat = $f['latencyMs'];
    $report->row(
        sprintf('%s: delivery latency, send() returned → Mindbox received it (%s events; %d never arrived, %d answered as duplicates)', $what, number_format($lat['n']), $f['lost'], $f['duplicates']),
        '50 ms',
        ms($lat['median']),
        ms($lat['p99']),
        '—',
        'p99 ≤ 200 ms',
        verdict($lat['p99'] <= 200 && $f['lost'] === 0, $f['lost'] > 0 ? "{$f['lost']} lost" : over($lat['p99'], 200))
    );
    [$target, $status] = send_target($f['sendMs']['median'], $f['sendMs']['p99'], null, false);
    $report->row("$what: send() inside a worker, timed by the request itself", '50 ms', ms($f['sendMs']['median']), ms($f['sendMs']['p99']), '—', $target, $status);
}

/** CPU per delivered event: of the daemon, of the lease holder, or of all the workers. */
function fpm_cpu_row(ReportTable $report, string $what, array $f): void
{
    $cpu = $f['cpu'];
    if ($cpu['daemonMsPerEvent'] !== null) {
        [$label, $value] = [sprintf('CPU per delivered event of the daemon (the whole process; the workers\' extension threads: %s)', ms($cpu['workersMsPerEvent'])), $cpu['daemonMsPerEvent']];
    } elseif ($cpu['holderMsPerEvent'] !== null) {
        [$label, $value] = [sprintf('CPU per delivered event in the lease holder (its process less its PHP thread; all %d workers\' extension threads together: %s)', $f['workers'], ms($cpu['workersMsPerEvent'])), $cpu['holderMsPerEvent']];
    } else {
        [$label, $value] = [sprintf('CPU per delivered event, all workers\' extension threads together (each process less its PHP thread; the lease moved between %d workers)', $cpu['holders']), $cpu['workersMsPerEvent']];
    }
    $report->row("$what: $label", '50 ms', ms($value), '—', '—', '≤ 0.2 ms', verdict($value <= 0.2, over($value, 0.2)));
}

/** Threads the workers started. */
function fpm_threads_row(ReportTable $report, string $what, array $f): void
{
    $threads = $f['threads'];
    $names = implode(', ', array_map(static fn ($n, $c) => "$n $c", array_keys($threads['seenByName'] ?? []), $threads['seenByName'] ?? [])) ?: 'none';
    if ($f['cpu']['daemonMsPerEvent'] !== null) {
        $report->row(
            sprintf('%s: threads started in the workers (the PID namespace\'s count less the daemon\'s; every worker\'s threads sampled every 10 ms: %d seen; the daemon started %d)', $what, $threads['workerThreadsSeenEver'], $threads['seenInDaemon']),
            '50 ms',
            $threads['inWorkers'] === null ? '—' : (string)$threads['inWorkers'],
            '—',
            '—',
            '0',
            $threads['inWorkers'] === null ? '' : verdict($threads['inWorkers'] === 0 && $threads['workerThreadsSeenEver'] === 0, "{$threads['inWorkers']} threads")
        );
    } elseif ($threads['perEvent'] !== null) {
        $report->row(
            sprintf('%s: threads created per delivered event (%d threads for %s events, from the pool\'s PID namespace counter less the %d workers FPM started; seen by name: %s)', $what, $threads['inWorkers'], number_format($f['deliveredInWindow']), $threads['workersRespawned'], $names),
            '50 ms',
            sprintf('%.3f', $threads['perEvent']),
            '—',
            '—',
            '~0 (≤ 0.01)',
            verdict($threads['perEvent'] <= 0.01, sprintf('%.0f× the target', $threads['perEvent'] / 0.01))
        );
    }
}

/** The workers' resident memory. */
function fpm_rss_row(ReportTable $report, string $what, array $f): void
{
    if (isset($f['rss'])) {
        $r = $f['rss'];
        $report->row(
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
}

/** Write transactions of the idle pool. */
function fpm_idle_row(ReportTable $report, string $what, array $f): void
{
    if (isset($f['idle'])) {
        $i = $f['idle'];
        $other = count($i['commits']) - $i['leaseReleases'];
        $empty = $i['emptyWrites'];
        $report->row(
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

/** The stall after the SIGKILL of the delivering worker. */
function report_fpm_kill_row(ReportTable $report): void
{
    if ($report->get('fpmkill:50') !== null) {
        $f = $report->scenarios['fpmkill:50'];
        $k = $f['kill'];
        $report->row(
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
}
