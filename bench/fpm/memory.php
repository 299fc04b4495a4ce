<?php

declare(strict_types=1);

/** The workers' resident memory, against the same workers before they sent anything. */

/**
 * bench_rss() of each worker, with its Pss (pssKiB) and what of the extension's file is resident in it
 * (extensionKiB), by pid.
 *
 * @return array<int, array<string, int>>
 */
function workers_rss(array $pids, string $extension): array
{
    $rss = [];
    foreach ($pids as $pid) {
        $rss[$pid] = bench_rss($pid) + ['pssKiB' => (int)bench_pss($pid), 'extensionKiB' => bench_mapped_kib($pid, $extension)];
    }
    return $rss;
}

/**
 * What each worker that served requests holds more than it did at the baseline, in KiB of one of
 * bench_rss()'s fields.
 *
 * @return array<int, int> by pid
 */
function rss_added(array $baseline, array $now, array $served, string $field): array
{
    $added = [];
    foreach ($now as $pid => $rss) {
        if (isset($baseline[$pid], $served[$pid])) {
            $added[$pid] = $rss[$field] - $baseline[$pid][$field];
        }
    }
    return $added;
}

/**
 * Resident memory added by sending: each worker after the traffic (and after the idle time) against
 * itself after the requests that skip the extension.
 */
function rss_summary(array $baseline, array $sent, array $idle, array $served, ?int $holder): array
{
    $added = rss_added($baseline, $sent, $served, 'rssKiB');
    $anon = rss_added($baseline, $sent, $served, 'anonKiB');
    $pss = rss_added($baseline, $sent, $served, 'pssKiB');
    $idleAdded = rss_added($baseline, $idle, $served, 'rssKiB');
    $median = static fn (array $kib): ?float => $kib === [] ? null : bench_stats(array_values($kib))['median'];
    $max = static fn (array $kib): ?int => $kib === [] ? null : max($kib);
    return [
        'workers' => count($added),
        'baselineMedianKiB' => $median(array_column(array_intersect_key($baseline, $added), 'rssKiB')),
        'addedMedianKiB' => $median($added),
        'addedMaxKiB' => $max($added),
        'addedHolderKiB' => $holder !== null ? ($added[$holder] ?? null) : null,
        'addedAnonMedianKiB' => $median($anon),
        'addedAnonMaxKiB' => $max($anon),
        'addedExtensionFileMedianKiB' => $median(rss_added($baseline, $sent, $served, 'extensionKiB')),
        'addedPssMedianKiB' => $median($pss),
        'addedPssMaxKiB' => $max($pss),
        'addedIdleMaxKiB' => $max($idleAdded),
    ];
}
