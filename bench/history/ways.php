<?php

declare(strict_types=1);

/**
 * The ways of writing the history's CSV that the writer benchmark compares, each given the same columns and batches of
 * rows (bench/history/sample.php).
 */

/** One way of writing an entity's rows, from its header to its last row. */
interface BenchHistoryWay
{
    /**
     * @param array<string, string> $columns name => the extension's kind
     * @param array{partBytes: int, partRows: int} $limits the run's limits of a part
     */
    public function start(string $directory, string $entity, array $columns, array $limits): void;

    /** @param list<array<string, scalar|null>> $rows every column, in order */
    public function rows(array $rows): void;

    /**
     * Completes the files, left for the caller to remove.
     *
     * @return array{parts: int, rows: int, bytes: int, paths: list<string>}
     */
    public function finish(): array;
}

/** The ways by key; a new way joins them here. */
function bench_history_way(string $key): BenchHistoryWay
{
    return match ($key) {
        'ext' => new BenchHistoryExtension(),
        'fputcsv' => new BenchHistoryFputcsv(),
        default => bench_fail("no history way \"$key\""),
    };
}

/**
 * The extension's MindboxCsvWriter as the module's PartWriter opens it (the run's part limits; no gzip, as the PHP loop
 * writes plain text), a batch a call: the kinds applied (money, quantities, phones, e-mails, booleans), the parts cut
 * and each sealed with its fsync and rename.
 */
final class BenchHistoryExtension implements BenchHistoryWay
{
    private MindboxCsvWriter $writer;
    /** @var list<array{rows: int, bytes: int}> */
    private array $sealed = [];

    public function start(string $directory, string $entity, array $columns, array $limits): void
    {
        bench_require_extension();
        $this->writer = new MindboxCsvWriter($directory, $entity, $columns, ['maxBytes' => $limits['partBytes'], 'maxRows' => $limits['partRows']]);
    }

    public function rows(array $rows): void
    {
        array_push($this->sealed, ...$this->writer->write($rows));
    }

    public function finish(): array
    {
        $last = $this->writer->finish();
        $parts = $last === null ? $this->sealed : [...$this->sealed, $last];
        return ['parts' => count($parts), 'rows' => array_sum(array_column($parts, 'rows')), 'bytes' => array_sum(array_column($parts, 'bytes')),
            'paths' => array_column($parts, 'path')];
    }
}

/**
 * The plain PHP way: fputcsv() a row at a time to one file, the same delimiter and CRLF, RFC 4180 quoting (no escape
 * character). It writes the values as PHP prints them: no kinds, no parts, no fsync.
 */
final class BenchHistoryFputcsv implements BenchHistoryWay
{
    /** @var resource */
    private $file;
    private string $path;
    private int $rows = 0;

    public function start(string $directory, string $entity, array $columns, array $limits): void
    {
        $this->path = "$directory/$entity-fputcsv.csv";
        $file = fopen($this->path, 'wb');
        if ($file === false) {
            bench_fail("cannot open $this->path");
        }
        $this->file = $file;
        fputcsv($this->file, array_keys($columns), ';', '"', '', "\r\n");
    }

    public function rows(array $rows): void
    {
        foreach ($rows as $row) {
            fputcsv($this->file, $row, ';', '"', '', "\r\n");
        }
        $this->rows += count($rows);
    }

    public function finish(): array
    {
        fclose($this->file);
        clearstatcache(true, $this->path);
        return ['parts' => 1, 'rows' => $this->rows, 'bytes' => (int)filesize($this->path), 'paths' => [$this->path]];
    }
}
