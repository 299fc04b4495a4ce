<?php

declare(strict_types=1);

use MindboxTests\Support\ProcessGroup;

/** The pool's write transactions as strace sees them. */

/**
 * Starts strace on the given processes, all their threads included, logging every fcntl() with
 * timestamps: SQLite takes the WAL write lock (a lock on byte 120 of the -shm file) for every
 * write transaction, an empty one as well. Returns once every process is attached.
 *
 * @return array{0: ProcessGroup, 1: string}|null null when strace is not installed
 */
function strace_start(array $pids, string $log): ?array
{
    $strace = '/usr/bin/strace';
    if (!is_executable($strace) || $pids === []) {
        return null;
    }
    $command = [$strace, '-f', '-qq', '-ttt', '-e', 'trace=fcntl', '-o', $log];
    foreach ($pids as $pid) {
        array_push($command, '-p', (string)$pid);
    }
    $process = ProcessGroup::start($command, [1 => ['file', '/dev/null', 'w'], 2 => ['file', "$log.err", 'w']]);
    $deadline = microtime(true) + 5;
    foreach ($pids as $pid) {
        while (microtime(true) < $deadline && !preg_match('/^TracerPid:\s+[1-9]/m', (string)@file_get_contents("/proc/$pid/status"))) {
            usleep(5_000);
        }
    }
    return [$process, $log];
}

/**
 * Stops strace and returns when each write lock was taken, by whom.
 *
 * @param array{0: ProcessGroup, 1: string} $strace
 * @return list<array{0: float, 1: int}> unix time, thread id
 */
function strace_write_locks(array $strace): array
{
    [$process, $log] = $strace;
    // SIGINT: strace detaches from the pool and writes the rest of its log.
    $process->signal(SIGINT);
    $process->wait(10.0);
    $process->stop();
    $locks = [];
    $waiting = [];
    // A call another thread interrupts in the log is split in two lines: "… <unfinished ...>" and,
    // later, "<... fcntl resumed>) = 0".
    foreach (explode("\n", (string)@file_get_contents($log)) as $line) {
        if (!preg_match('/^(\d+)\s+([\d.]+) (.*)$/', $line, $m)) {
            continue;
        }
        [, $tid, $at, $call] = $m;
        $lock = str_contains($call, 'F_WRLCK, l_whence=SEEK_SET, l_start=120, l_len=1}');
        if ($lock && str_ends_with($call, ') = 0')) {
            $locks[] = [(float)$at, (int)$tid];
        } elseif ($lock && str_ends_with($call, '<unfinished ...>')) {
            $waiting[$tid] = (float)$at;
        } elseif (isset($waiting[$tid]) && str_starts_with($call, '<... fcntl resumed>')) {
            if (str_ends_with($call, ') = 0')) {
                $locks[] = [$waiting[$tid], (int)$tid];
            }
            unset($waiting[$tid]);
        }
    }
    sort($locks);
    return $locks;
}
