<?php

declare(strict_types=1);

/** What /proc and getrusage() tell of a process: its memory, its CPU time and its threads. */

/**
 * Resident memory of this process (or of process $pid) in KiB: VmRSS, its peak (VmHWM), and of it the
 * private anonymous memory (RssAnon) and the mapped files (RssFile, shared with other processes);
 * and its threads.
 */
function bench_rss(?int $pid = null): array
{
    $status = (string)@file_get_contents('/proc/' . ($pid ?? 'self') . '/status');
    $field = static fn (string $name): int => preg_match("/^$name:\\s+(\\d+)/m", $status, $m) ? (int)$m[1] : 0;
    return [
        'rssKiB' => $field('VmRSS'),
        'hwmKiB' => $field('VmHWM'),
        'anonKiB' => $field('RssAnon'),
        'fileKiB' => $field('RssFile'),
        'threads' => $field('Threads'),
    ];
}

/**
 * Proportional resident memory of a process in KiB (Pss: each shared page divided among the processes
 * that map it, such as the extension's code in every PHP-FPM worker); null once it is gone.
 */
function bench_pss(int $pid): ?int
{
    $rollup = @file_get_contents("/proc/$pid/smaps_rollup");
    return is_string($rollup) && preg_match('/^Pss:\s+(\d+)/m', $rollup, $m) ? (int)$m[1] : null;
}

/** Resident KiB of a process's mappings of one file (such as the extension's .so), from /proc/<pid>/smaps. */
function bench_mapped_kib(int $pid, string $file): int
{
    $kib = 0;
    $inFile = false;
    foreach (explode("\n", (string)@file_get_contents("/proc/$pid/smaps")) as $line) {
        if (preg_match('/^[0-9a-f]+-[0-9a-f]+ /', $line)) {
            $inFile = str_ends_with(rtrim($line), $file);
        } elseif ($inFile && preg_match('/^Rss:\s+(\d+)/', $line, $m)) {
            $kib += (int)$m[1];
        }
    }
    return $kib;
}

/** Clock ticks a second of /proc's CPU times (USER_HZ, 100 on Linux whatever the kernel's HZ). */
const BENCH_CLOCK_TICKS = 100;

/**
 * CPU time (utime + stime, in clock ticks) of a process, or of one of its threads; null once it is
 * gone. A process's figure includes all of its threads, also those that have ended.
 */
function bench_proc_ticks(int $pid, ?int $tid = null): ?int
{
    $stat = @file_get_contents($tid === null ? "/proc/$pid/stat" : "/proc/$pid/task/$tid/stat");
    if (!is_string($stat) || $stat === '') {
        return null;
    }
    $fields = explode(' ', substr($stat, (int)strrpos($stat, ')') + 2));
    return (int)$fields[11] + (int)$fields[12];
}

/**
 * The ids of a process's threads now (the first is the process itself).
 *
 * @return list<int>
 */
function bench_proc_tids(int $pid): array
{
    $entries = @scandir("/proc/$pid/task");
    return $entries === false ? [] : array_map('intval', array_values(array_diff($entries, ['.', '..'])));
}

/** CPU seconds used by the whole process, every thread included. */
function bench_cpu(): float
{
    $u = getrusage();
    return $u['ru_utime.tv_sec'] + $u['ru_utime.tv_usec'] / 1e6 + $u['ru_stime.tv_sec'] + $u['ru_stime.tv_usec'] / 1e6;
}

/** CPU seconds used by the calling (PHP) thread alone, from the scheduler's nanosecond count. */
function bench_thread_cpu(): float
{
    $text = @file_get_contents('/proc/thread-self/schedstat');
    if (!is_string($text)) {
        return 0.0;
    }
    return ((int)explode(' ', trim($text))[0]) / 1e9;
}

/** A figure of the machine's memory in KiB from /proc/meminfo: MemTotal, or MemAvailable (what it can still give without swapping). */
function bench_meminfo_kib(string $field): int
{
    $meminfo = (string)@file_get_contents('/proc/meminfo');
    return preg_match("/^$field:\\s+(\\d+) kB/m", $meminfo, $m) ? (int)$m[1] : 0;
}
