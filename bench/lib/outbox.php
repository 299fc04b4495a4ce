<?php

declare(strict_types=1);

/** An outbox's files: their size, their removal, and the commits SQLite counts in them. */

/**
 * The outbox's commit counter: iChange of the WAL-index header that starts the -shm file, which
 * SQLite raises with every transaction that commits changes (an empty one raises nothing; see
 * "WAL-Index Format" in SQLite's file format document). Read from the file, so measuring opens no
 * connection of its own; null while there is no -shm file. The header is in native byte order.
 */
function bench_wal_commits(string $outbox): ?int
{
    $header = @file_get_contents($outbox . '-shm', false, null, 0, 12);
    if (!is_string($header) || strlen($header) < 12) {
        return null;
    }
    return unpack('L', $header, 8)[1];
}

/** Removes an outbox file and its WAL and shared-memory files. */
function bench_remove_outbox(string $path): void
{
    foreach (['', '-wal', '-shm', '-journal'] as $suffix) {
        @unlink($path . $suffix);
    }
}

/** Bytes on disk of an outbox: the file, its WAL and its shared-memory index. */
function bench_outbox_bytes(string $path): array
{
    clearstatcache();
    $size = static fn (string $p): int => is_file($p) ? (int)filesize($p) : 0;
    return ['db' => $size($path), 'wal' => $size($path . '-wal'), 'shm' => $size($path . '-shm')];
}
