<?php

declare(strict_types=1);

/**
 * The MySQL/MariaDB outbox in the benchmarks: bench/run.php measures some scenarios a second time
 * with the outbox in the tables of the MariaDB that scripts/bench.sh started (BENCH_MYSQL_URL),
 * through the very same scenario code; only the outbox location differs.
 */

/**
 * Whether a scenario is measured on both backends: the shop's wait, the delivery rate with the
 * limit lifted (from one and from BENCH_PROCS sending processes, and of a backlog, which a table
 * of many rows makes another case than a file), and the CPU both take (at 100/s beside the PHP
 * way's). The MySQL twin of "send:0" is "mysql:send:0", so that BENCH_ONLY=mysql selects the twins
 * alone.
 */
function bench_mysql_twin(string $key): bool
{
    return in_array($key, ['send:0', 'paced:0', 'bare:0', 'drain:0', 'cpu100:0'], true) || str_starts_with($key, 'deliver:0:');
}

/** The server the MySQL rows use, or null when none was started (run.php run by hand). */
function bench_mysql_url(): ?string
{
    $url = getenv('BENCH_MYSQL_URL');
    return is_string($url) && $url !== '' ? $url : null;
}

/**
 * A fresh outbox on the server: tables of a prefix no earlier scenario used, as a new file is for
 * SQLite (dropping the old tables would measure InnoDB's purge as well).
 */
function bench_mysql_outbox(string $url, string $name): string
{
    static $made = 0;
    $made++;
    $prefix = sprintf('b%d_%s_', $made, preg_replace('/[^A-Za-z0-9]/', '', $name));
    return $url . (str_contains($url, '?') ? '&' : '?') . "prefix=$prefix";
}

/** The server's process: its CPU is the MySQL backend's too, not another job's load. */
function bench_mysql_pid(): int
{
    return (int)getenv('BENCH_MYSQL_PID');
}

/** "MariaDB 10.11.6" or so, for the table's heading. */
function bench_mysql_version(): ?string
{
    if (bench_mysql_url() === null) {
        return null;
    }
    $line = trim((string)shell_exec('mariadbd --version 2>/dev/null'));
    return preg_match('/Ver\s+(\S+)/', $line, $m) ? 'MariaDB ' . preg_replace('/-.*$/', '', $m[1]) : ($line ?: null);
}
