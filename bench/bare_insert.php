<?php

declare(strict_types=1);

/**
 * The floor under send() at a steady rate: the same events of the mix, each JSON-encoded and
 * written by a bare INSERT into a table of the same store, with no outbox around it. What a
 * send() costs above this is the outbox's own work; what this costs is the store's and the
 * machine's (a commit after 10 ms asleep).
 *
 * - "outbox" a file path: PHP's sqlite3, WAL, synchronous = NORMAL (the file outbox's default);
 * - "outbox" a mysql:// URL: mysqli, autocommitted InnoDB, the server's default durability.
 *
 *     php bench/bare_insert.php '{"outbox":…,"n":1000,"rate":100}'
 */

require __DIR__ . '/lib.php';

$args = bench_args();
$n = (int)$args['n'];
$insert = str_starts_with((string)$args['outbox'], 'mysql://')
    ? bare_mysql((string)$args['outbox'])
    : bare_sqlite((string)$args['outbox']);
$cpu0 = bench_cpu();
$samples = bench_paced_mix($n, (float)$args['rate'], static function (string $operation, array $body) use ($insert): void {
    $customer = $body['customer']['ids']['websiteID'] ?? $body['order']['customer']['ids']['websiteID'] ?? null;
    $insert($operation, json_encode($body, JSON_THROW_ON_ERROR), bin2hex(random_bytes(16)), $customer === null ? null : "customer:$customer");
});
bench_emit(['samplesMs' => $samples, 'cpuSeconds' => bench_cpu() - $cpu0, 'n' => $n]);

/** The table both stores get: the item's own columns and the two indexes a lookup needs. */
function bare_columns(string $id, string $text, string $blob): string
{
    return "id $id, operation $text NOT NULL, body $blob NOT NULL, transaction_id $text NOT NULL,"
        . " ordering_key $text, created_at BIGINT NOT NULL";
}

/** @return callable(string, string, string, ?string): void */
function bare_sqlite(string $path): callable
{
    if (!extension_loaded('sqlite3')) {
        bench_fail('PHP\'s sqlite3 extension is missing (Debian: php8.2-sqlite3)');
    }
    $db = new SQLite3($path);
    $db->enableExceptions(true);
    $db->exec('PRAGMA page_size = 2048; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    $db->exec('CREATE TABLE IF NOT EXISTS bare (' . bare_columns('INTEGER PRIMARY KEY', 'TEXT', 'BLOB') . ');'
        . ' CREATE INDEX IF NOT EXISTS bare_key ON bare (ordering_key, id);'
        . ' CREATE INDEX IF NOT EXISTS bare_tx ON bare (transaction_id);');
    $statement = $db->prepare('INSERT INTO bare (operation, body, transaction_id, ordering_key, created_at) VALUES (?, ?, ?, ?, ?)');
    // The connection goes with the statement: it would close when this function returns.
    return static function (string $operation, string $body, string $tx, ?string $key) use ($db, $statement): void {
        $statement->bindValue(1, $operation);
        $statement->bindValue(2, $body, SQLITE3_BLOB);
        $statement->bindValue(3, $tx);
        $statement->bindValue(4, $key);
        $statement->bindValue(5, (int)(microtime(true) * 1000));
        $statement->execute();
        $statement->reset();
    };
}

/** @return callable(string, string, string, ?string): void */
function bare_mysql(string $url): callable
{
    if (!extension_loaded('mysqli')) {
        bench_fail('PHP\'s mysqli extension is missing (Debian: php8.2-mysql)');
    }
    $u = parse_url($url);
    parse_str($u['query'] ?? '', $query);
    $table = preg_replace('/[^A-Za-z0-9_]/', '', (string)($query['prefix'] ?? '')) . 'bare';
    mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
    $db = new mysqli($u['host'], rawurldecode($u['user'] ?? ''), rawurldecode($u['pass'] ?? ''), ltrim($u['path'] ?? '', '/'), (int)($u['port'] ?? 3306));
    $db->query("CREATE TABLE IF NOT EXISTS $table (" . bare_columns('BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY', 'VARCHAR(191)', 'MEDIUMBLOB')
        . ', KEY bare_key (ordering_key, id), KEY bare_tx (transaction_id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4');
    $statement = $db->prepare("INSERT INTO $table (operation, body, transaction_id, ordering_key, created_at) VALUES (?, ?, ?, ?, ?)");
    // As for SQLite, the connection goes with the statement.
    return static function (string $operation, string $body, string $tx, ?string $key) use ($db, $statement): void {
        $now = (int)(microtime(true) * 1000);
        $statement->bind_param('ssssi', $operation, $body, $tx, $key, $now);
        $statement->execute();
    };
}
