<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxCsvWriter;
use MindboxException;
use MindboxInvalidArgumentException;
use PHPUnit\Framework\TestCase;

/**
 * A bulk import's CSV parts from PHP: read back with fgetcsv (and gzopen), cut under the limits, numbered from
 * `part`, resumed, carried on from checkpoints, and bad input refused naming the row and the column.
 */
final class CsvWriterTest extends TestCase
{
    private const COLUMNS = [
        'OrderIdsWebsiteID' => 'text',
        'CustomerMobilePhone' => 'phone',
        'CustomerEmail' => 'email',
        'OrderLineQuantity' => 'quantity',
        'OrderLinePriceOfLine' => 'money',
        'OrderLineId' => 'integer',
        'IsSubscribed' => 'boolean',
        'Comment' => 'text',
    ];

    private string $dir;

    protected function setUp(): void
    {
        $this->dir = sys_get_temp_dir() . '/mindbox-csv-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->dir, 0700);
    }

    protected function tearDown(): void
    {
        foreach ($this->files() as $name) {
            unlink("$this->dir/$name");
        }
        rmdir($this->dir);
    }

    /** @return list<string> */
    private function files(): array
    {
        return array_values(array_diff(scandir($this->dir) ?: [], ['.', '..']));
    }

    /** @return list<list<string|null>> a part's records, the header first */
    private function records(string $path): array
    {
        $file = str_ends_with($path, '.gz') ? gzopen($path, 'rb') : fopen($path, 'rb');
        self::assertNotFalse($file);
        $records = [];
        while (($record = fgetcsv($file, null, ';', '"', '')) !== false) {
            $records[] = $record;
        }
        fclose($file);
        return $records;
    }

    /** @return list<list<mixed>> order lines as lists, from $first on */
    private static function lines(int $first, int $n): array
    {
        $lines = [];
        for ($i = $first; $i < $first + $n; $i++) {
            $lines[] = ["order-$i", '+7 900 123-45-' . sprintf('%02d', $i % 100), " a$i@shop.example ", $i % 3 + 1, $i * 10.5, $i, $i % 2 === 0, "line $i"];
        }
        return $lines;
    }

    public function testPartsReadBackThroughFgetcsvNumberedFromPart(): void
    {
        $writer = new MindboxCsvWriter($this->dir, 'orders', self::COLUMNS, ['part' => 5, 'maxRows' => 4]);
        $keyed = [
            'OrderIdsWebsiteID' => ' A;1 ', 'CustomerMobilePhone' => 'нет', 'OrderLinePriceOfLine' => '1299,499',
            'OrderLineQuantity' => 0.1255, 'Comment' => "say \"hi\"\r\nbye\t!", 'IsSubscribed' => null,
        ];
        $sealed = $writer->write([$keyed, ...self::lines(0, 2)]);
        self::assertSame([], $sealed);
        $sealed = $writer->write(self::lines(2, 3));
        self::assertCount(1, $sealed);
        $first = $sealed[0];
        self::assertSame(5, $first['part']);
        self::assertSame("$this->dir/orders-0005.csv", $first['path']);
        self::assertSame(3, $first['rows']);
        self::assertSame(filesize($first['path']), $first['bytes']);
        self::assertMatchesRegularExpression('/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/', $first['transactionId']);
        $last = $writer->finish();
        self::assertNotNull($last);
        self::assertSame(6, $last['part']);
        self::assertNotSame($first['transactionId'], $last['transactionId']);
        self::assertSame(['orders-0005.csv', 'orders-0006.csv'], $this->files());

        $records = $this->records($first['path']);
        self::assertSame(array_keys(self::COLUMNS), $records[0]);
        self::assertSame([' A;1 ', '', '', '0.126', '1299.5', '', '', 'say "hi"  bye !'], $records[1]);
        self::assertSame(['order-0', '79001234500', 'a0@shop.example', '1', '0', '0', 'true', 'line 0'], $records[2]);
        self::assertSame(['order-1', '79001234501', 'a1@shop.example', '2', '10.5', '1', 'false', 'line 1'], $records[3]);
        self::assertSame(['order-2', 'order-3', 'order-4'], array_column(array_slice($this->records($last['path']), 1), 0));
        $text = (string) file_get_contents($first['path']);
        self::assertStringStartsWith("OrderIdsWebsiteID;CustomerMobilePhone;", $text);
        self::assertStringContainsString("\r\n\" A;1 \";;;0.126;1299.5;;;\"say \"\"hi\"\"  bye !\"\r\n", $text);
    }

    public function testGzipPartsStayUnderTheirCompressedSize(): void
    {
        $writer = new MindboxCsvWriter($this->dir, 'lines', self::COLUMNS, ['gzip' => true, 'maxBytes' => 4000]);
        $parts = [];
        for ($batch = 0; $batch < 40; $batch++) {
            array_push($parts, ...$writer->write(self::lines($batch * 50, 50)));
        }
        $parts[] = $writer->finish();
        self::assertGreaterThan(2, count($parts));
        $ids = [];
        foreach ($parts as $part) {
            self::assertStringEndsWith(sprintf('lines-%04d.csv.gz', $part['part']), $part['path']);
            self::assertLessThanOrEqual(4000, $part['bytes']);
            self::assertSame(filesize($part['path']), $part['bytes']);
            $records = $this->records($part['path']);
            self::assertSame(array_keys(self::COLUMNS), $records[0]);
            self::assertCount($part['rows'] + 1, $records);
            array_push($ids, ...array_column(array_slice($records, 1), 0));
        }
        self::assertSame(array_column(self::lines(0, 2000), 0), $ids);
    }

    public function testAListOfNamesIsAllText(): void
    {
        $writer = new MindboxCsvWriter($this->dir, 'customers', ['Email', 'FirstName']);
        $writer->write([['a@b.ru', 5], ['FirstName' => true]]);
        $part = $writer->finish();
        self::assertNotNull($part);
        self::assertSame([['Email', 'FirstName'], ['a@b.ru', '5'], ['', 'true']], $this->records($part['path']));
    }

    /** @return iterable<string, array{0: array<mixed>, 1: string, 2: string}> */
    public static function badBatches(): iterable
    {
        yield 'invalid UTF-8' => [[['A', "\xC3\x28"]], 'rows[0].Comment', 'UTF-8'];
        yield 'an array' => [[['A', 'ok'], ['B', ['x']]], 'rows[1].Comment', 'not an array'];
        yield 'an object' => [[['OrderId' => 'A', 'Comment' => new \stdClass()]], 'rows[0].Comment', 'object'];
        yield 'an unknown column' => [[['OrderId' => 'A', 'Total' => 1]], 'rows[0].Total', 'not a column'];
        yield 'a short list' => [[['A']], 'rows[0]', 'has 1 values for 2 columns'];
        yield 'a row that is no array' => [['A'], 'rows[0]', 'must be an array'];
        yield 'a control character refused' => [[3 => ['A', "a\nb"]], 'rows[3].Comment', 'U+000A'];
    }

    /**
     * @dataProvider badBatches
     * @param array<mixed> $rows
     */
    public function testABadBatchIsRefusedWholeNamingRowAndColumn(array $rows, string $path, string $message): void
    {
        $writer = new MindboxCsvWriter($this->dir, 'bad', ['OrderId', 'Comment'], ['control' => 'refuse']);
        $writer->write([['before', 'x']]);
        try {
            $writer->write($rows);
            self::fail('the batch was written');
        } catch (MindboxInvalidArgumentException $e) {
            self::assertSame($path, $e->getPath());
            self::assertStringContainsString($message, $e->getMessage());
        }
        $writer->write([['after', 'y']]);
        $part = $writer->finish();
        self::assertNotNull($part);
        self::assertSame([['OrderId', 'Comment'], ['before', 'x'], ['after', 'y']], $this->records($part['path']));
    }

    public function testABatchTooLargeForAPartIsRefused(): void
    {
        $writer = new MindboxCsvWriter($this->dir, 'big', ['A'], ['maxRows' => 10, 'maxBytes' => 100]);
        $writer->write([['a']]);
        foreach ([array_fill(0, 11, ['x']), [[str_repeat('y', 100)]]] as $batch) {
            try {
                $writer->write($batch);
                self::fail('the batch was written');
            } catch (MindboxInvalidArgumentException $e) {
                self::assertSame('rows', $e->getPath());
                self::assertMatchesRegularExpression('/too large for a part: (11 rows|\d+ bytes).*10 rows and 100 bytes/', $e->getMessage());
            }
        }
        self::assertSame(1, $writer->finish()['part'] ?? null);
    }

    public function testResumingReplacesWhatAKilledRunLeftOfThePart(): void
    {
        foreach (['orders-0002.csv', '.orders-0002.csv.tmp', 'orders-0002.csv.gz', '.orders-0002.csv.gz.tmp'] as $stale) {
            file_put_contents("$this->dir/$stale", "stale\r\n");
        }
        file_put_contents("$this->dir/orders-0001.csv", "sent\r\n");
        $writer = new MindboxCsvWriter($this->dir, 'orders', ['A'], ['part' => 2]);
        self::assertSame(['.orders-0002.csv.tmp', 'orders-0001.csv'], $this->files());
        $writer->write([['fresh']]);
        $part = $writer->finish();
        self::assertSame(2, $part['part'] ?? null);
        self::assertSame([['A'], ['fresh']], $this->records("$this->dir/orders-0002.csv"));
        self::assertSame("sent\r\n", file_get_contents("$this->dir/orders-0001.csv"));
    }

    /**
     * Steps of a run in turn, each a writer of its own carrying on the last one's checkpoint: the parts fill as one
     * writer's would, and what a step wrote after its checkpoint (killed half way through a batch) is cut off.
     */
    public function testAPartCarriedOnFromCheckpointsOverSeveralWriters(): void
    {
        foreach ([false, true] as $gzip) {
            $prefix = $gzip ? 'gz' : 'plain';
            $options = ['gzip' => $gzip, 'maxBytes' => $gzip ? 2500 : 9000];
            $parts = [];
            $checkpoint = null;
            for ($step = 0; $step < 8; $step++) {
                $writer = new MindboxCsvWriter($this->dir, $prefix, self::COLUMNS, $options + ['resume' => $checkpoint]);
                for ($batch = 0; $batch < 5; $batch++) {
                    array_push($parts, ...$writer->write(self::lines(($step * 5 + $batch) * 10, 10)));
                }
                $checkpoint = $writer->checkpoint();
                self::assertNotNull($checkpoint);
                self::assertSame(['part', 'rows', 'bytes', 'gzip', 'crc', 'plainBytes'], array_keys($checkpoint));
                unset($writer);
                // A step killed after its checkpoint, half way through writing a batch.
                $temp = sprintf('%s/.%s-%04d.csv%s.tmp', $this->dir, $prefix, $checkpoint['part'], $gzip ? '.gz' : '');
                file_put_contents($temp, "order-9000;7900", FILE_APPEND);
            }
            $writer = new MindboxCsvWriter($this->dir, $prefix, self::COLUMNS, $options + ['resume' => $checkpoint]);
            $parts[] = $writer->finish();
            self::assertGreaterThan(2, count($parts));
            $ids = [];
            foreach ($parts as $part) {
                self::assertSame(filesize($part['path']), $part['bytes']);
                self::assertLessThanOrEqual($options['maxBytes'], $part['bytes']);
                $records = $this->records($part['path']);
                self::assertSame(array_keys(self::COLUMNS), $records[0]);
                self::assertCount($part['rows'] + 1, $records);
                array_push($ids, ...array_column(array_slice($records, 1), 0));
            }
            self::assertSame(array_column(self::lines(0, 400), 0), $ids, $prefix);
            if ($gzip) {
                // A part whose CRC or size disagrees with its data is refused by zlib as a whole.
                self::assertSame(count($ids), array_sum(array_map(
                    static fn (array $part) => substr_count((string)gzdecode((string)file_get_contents($part['path'])), "\r\n") - 1,
                    $parts
                )));
            }
        }
        self::assertSame(count($parts), count(array_filter($this->files(), static fn (string $name) => str_starts_with($name, 'gz-'))));
    }

    public function testACheckpointWhosePartIsGoneIsAMindboxException(): void
    {
        $writer = new MindboxCsvWriter($this->dir, 'orders', ['A'], ['part' => 3]);
        self::assertNull($writer->checkpoint());
        $writer->write([['a']]);
        $checkpoint = $writer->checkpoint();
        $writer->abort();
        self::assertSame([], $this->files());
        try {
            new MindboxCsvWriter($this->dir, 'orders', ['A'], ['resume' => $checkpoint]);
            self::fail('the writer was opened');
        } catch (MindboxException $e) {
            self::assertNotInstanceOf(MindboxInvalidArgumentException::class, $e);
            self::assertStringContainsString("$this->dir/.orders-0003.csv.tmp", $e->getMessage());
        }
    }

    public function testFinishWithoutRowsAbortAndDropLeaveNoFile(): void
    {
        $writer = new MindboxCsvWriter($this->dir, 'empty', ['A'], ['gzip' => true]);
        self::assertSame([], $writer->write([]));
        self::assertNull($writer->finish());
        $writer = new MindboxCsvWriter($this->dir, 'aborted', ['A']);
        $writer->write([['a']]);
        $writer->abort();
        $dropped = new MindboxCsvWriter($this->dir, 'dropped', ['A']);
        $dropped->write([['a']]);
        unset($dropped);
        self::assertSame([], $this->files());
        $this->expectException(MindboxInvalidArgumentException::class);
        $this->expectExceptionMessage('closed');
        $writer->write([['b']]);
    }

    /** @return iterable<string, array{0: array<mixed>, 1: array<mixed>|null, 2: string, 3: string}> */
    public static function badArguments(): iterable
    {
        yield 'part 0' => [['A'], ['part' => 0], 'p', 'options.part'];
        yield 'maxBytes as text' => [['A'], ['maxBytes' => '100'], 'p', 'options.maxBytes'];
        yield 'maxBytes under the header' => [['Header'], ['maxBytes' => 3], 'p', 'options.maxBytes'];
        yield 'maxRows negative' => [['A'], ['maxRows' => -1], 'p', 'options.maxRows'];
        yield 'gzip as 1' => [['A'], ['gzip' => 1], 'p', 'options.gzip'];
        yield 'two-character delimiter' => [['A'], ['delimiter' => ';;'], 'p', 'options.delimiter'];
        yield 'qualifier as the delimiter' => [['A'], ['qualifier' => ';'], 'p', 'options.qualifier'];
        yield 'unknown control' => [['A'], ['control' => 'drop'], 'p', 'options.control'];
        yield 'unknown option' => [['A'], ['size' => 1], 'p', 'options.size'];
        yield 'unknown kind' => [['A' => 'decimal'], null, 'p', 'columns.A'];
        yield 'no columns' => [[], null, 'p', 'columns'];
        yield 'a name twice' => [['A', 'A'], null, 'p', 'columns.A'];
        yield 'a path as prefix' => [['A'], null, '../p', 'prefix'];
        yield 'resume as a number' => [['A'], ['resume' => 3], 'p', 'options.resume'];
        $checkpoint = ['part' => 2, 'rows' => 1, 'bytes' => 5, 'gzip' => false, 'crc' => 0, 'plainBytes' => 0];
        yield 'resume without bytes' => [['A'], ['resume' => array_diff_key($checkpoint, ['bytes' => 0])], 'p', 'options.resume'];
        yield 'resume of a gzip part' => [['A'], ['resume' => ['gzip' => true] + $checkpoint], 'p', 'options.gzip'];
        yield 'resume in another part' => [['A'], ['part' => 1, 'resume' => $checkpoint], 'p', 'options.part'];
    }

    /**
     * @dataProvider badArguments
     * @param array<mixed> $columns
     * @param array<mixed>|null $options
     */
    public function testBadArgumentsAreNamed(array $columns, ?array $options, string $prefix, string $path): void
    {
        try {
            new MindboxCsvWriter($this->dir, $prefix, $columns, $options);
            self::fail('the writer was opened');
        } catch (MindboxInvalidArgumentException $e) {
            self::assertSame($path, $e->getPath(), $e->getMessage());
        }
        self::assertSame([], $this->files());
    }

    public function testAnUnusableDirectoryIsAMindboxExceptionNamingIt(): void
    {
        file_put_contents("$this->dir/file", '');
        try {
            new MindboxCsvWriter("$this->dir/file", 'p', ['A']);
            self::fail('the writer was opened');
        } catch (MindboxException $e) {
            self::assertNotInstanceOf(MindboxInvalidArgumentException::class, $e);
            self::assertStringContainsString("$this->dir/file", $e->getMessage());
        }
    }
}
