<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxClient;
use MindboxInvalidArgumentException;
use MindboxProtocolException;
use MindboxTests\Support\EmulatorTestCase;

/**
 * importBulk() against the emulator's bulk imports: the hourly budget kept in the outbox for every process, 429,
 * an outage and the resend, a repeat, gzip, refusals.
 */
final class BulkImportTest extends EmulatorTestCase
{
    private const OPERATION = 'DirectCrm.Customers.Import';

    private int $parts = 0;

    /** A part of $rows customers, written as the extension's writer writes it; its path. */
    private function part(int $rows = 2, bool $gzip = false): string
    {
        $this->parts++;
        $csv = "websiteID;Email;FirstName\r\n";
        for ($i = 1; $i <= $rows; $i++) {
            $csv .= "{$this->parts}0{$i};c{$this->parts}-{$i}@example.com;\"Анна; {$i}\"\r\n";
        }
        $path = $this->tempPath(sprintf('part-%04d.csv', $this->parts) . ($gzip ? '.gz' : ''));
        file_put_contents($path, $gzip ? gzencode($csv) : $csv);
        return $path;
    }

    private static function guid(): string
    {
        $b = random_bytes(16);
        $b[6] = chr(ord($b[6]) & 0x0f | 0x40);
        $b[8] = chr(ord($b[8]) & 0x3f | 0x80);
        return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($b), 4));
    }

    /** @return list<array<string, mixed>> */
    private static function tasks(): array
    {
        return self::emulator()->bulk('tasks');
    }

    private static function bulkRequests(): int
    {
        return count(self::emulator()->journal(['endpoint' => 'bulk']));
    }

    public function testAPartIsImportedWithItsTransactionId(): void
    {
        $tx = self::guid();
        $answer = $this->client()->importBulk(self::OPERATION, $this->part(3), $tx, ['query' => ['segment' => 'History']]);
        self::assertSame(['status' => 'sent', 'transactionId' => $tx, 'alreadyProcessed' => false,
            'answer' => ['status' => 'Success']], $answer);
        [$task] = self::tasks();
        self::assertSame([$tx, 'Done', false, 3, 3, 0],
            [$task['transactionId'], $task['status'], $task['gzip'], $task['rows'], $task['accepted'], $task['rejected']]);
        $names = array_column(self::emulator()->bulk('customers'), 'firstName');
        self::assertSame(['Анна; 1', 'Анна; 2', 'Анна; 3'], $names);
        self::assertSame(1, $this->client()->outboxStats()['bulkImportsLastHour']);
    }

    public function testTheHourlyLimitHoldsAcrossTwoProcessesSharingTheOutbox(): void
    {
        $config = [
            'endpointId' => self::emulator()->endpointId(),
            'secretKey' => self::emulator()->secretKey(),
            'baseUrl' => self::emulator()->baseUrl(),
            'outbox' => $this->outbox(),
            'bulkImportsPerHour' => 2,
        ];
        $go = $this->tempPath('go');
        $children = [];
        for ($p = 0; $p < 2; $p++) {
            $parts = var_export([$this->part() => self::guid(), $this->part() => self::guid()], true);
            $code = '$c = new MindboxClient(' . var_export($config, true) . ');'
                . ' for ($t = microtime(true) + 10; !file_exists(' . var_export($go, true) . ') && microtime(true) < $t;) { usleep(1000); }'
                . ' $answers = []; foreach (' . $parts . ' as $file => $tx) { $answers[] = $c->importBulk('
                . var_export(self::OPERATION, true) . ', $file, $tx); } echo json_encode($answers);';
            $process = proc_open([PHP_BINARY, '-d', 'extension=' . self::extensionPath(), '-r', $code],
                [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
            $children[] = [$process, $pipes];
        }
        touch($go);
        $answers = [];
        foreach ($children as [$process, $pipes]) {
            $out = (string) stream_get_contents($pipes[1]);
            $err = (string) stream_get_contents($pipes[2]);
            self::assertSame(0, proc_close($process), $out . $err);
            array_push($answers, ...json_decode($out, true, 512, JSON_THROW_ON_ERROR));
        }
        $statuses = array_count_values(array_map(
            static fn (array $a): string => $a['status'] . ':' . ($a['reason'] ?? 'none'),
            $answers,
        ));
        ksort($statuses);
        self::assertSame(['deferred:budget' => 2, 'sent:none' => 2], $statuses);
        $sentAt = time();
        foreach ($answers as $a) {
            if ($a['status'] === 'deferred') {
                self::assertSame(0, $a['httpStatus']);
                self::assertGreaterThan($sentAt + 3500, $a['retryAt'], 'when the oldest of the hour frees');
            }
        }
        // This process finds the budget spent as well; nothing of it reached Mindbox.
        $third = (new MindboxClient($config))->importBulk(self::OPERATION, $this->part(), self::guid());
        self::assertSame(['deferred', 'budget'], [$third['status'], $third['reason']]);
        self::assertCount(2, self::tasks());
        self::assertSame(2, self::bulkRequests());
        self::assertSame(2, (new MindboxClient($config))->outboxStats()['bulkImportsLastHour']);
    }

    public function testA429FromMindboxDefersEveryImportUntilItsRetryAfter(): void
    {
        self::emulator()->bulk('config', ['perHour' => 1]);
        $client = $this->client();
        self::assertSame('sent', $client->importBulk(self::OPERATION, $this->part(), self::guid())['status']);
        $tx = self::guid();
        $before = time();
        $answer = $client->importBulk(self::OPERATION, $this->part(), $tx);
        self::assertSame(['deferred', $tx, 'tooManyRequests', 429],
            [$answer['status'], $answer['transactionId'], $answer['reason'], $answer['httpStatus']]);
        // The emulator's Retry-After: until its hour's slot frees.
        self::assertGreaterThan($before + 3000, $answer['retryAt']);
        self::assertLessThanOrEqual(time() + 3601, $answer['retryAt']);
        // Another import waits as well, without a request.
        $other = $this->client()->importBulk(self::OPERATION, $this->part(), self::guid());
        self::assertSame(['deferred', 'tooManyRequests', 0, $answer['retryAt']],
            [$other['status'], $other['reason'], $other['httpStatus'], $other['retryAt']]);
        self::assertSame(2, self::bulkRequests());
        $stats = $client->outboxStats();
        self::assertSame([1, $answer['retryAt']], [$stats['bulkImportsLastHour'], $stats['bulkBlockedUntil']]);
    }

    public function testAnOutageIsDeferredAndThePartGoesLaterWithTheSameTransactionId(): void
    {
        self::emulator()->faults(['rules' => [['operation' => self::OPERATION, 'times' => 1, 'kind' => 'status', 'status' => 503]]]);
        $client = $this->client();
        $part = $this->part();
        $tx = self::guid();
        $before = time();
        $answer = $client->importBulk(self::OPERATION, $part, $tx);
        self::assertSame(['deferred', 'unavailable', 503], [$answer['status'], $answer['reason'], $answer['httpStatus']]);
        self::assertGreaterThanOrEqual($before + 22, $answer['retryAt'], '30 s less the jitter');
        self::assertSame([], self::tasks());
        $again = $client->importBulk(self::OPERATION, $part, $tx);
        self::assertSame(['sent', false], [$again['status'], $again['alreadyProcessed']]);
        self::assertSame([$tx], array_column(self::tasks(), 'transactionId'));
    }

    public function testARepeatOfAnImportedPartIsSentAndAlreadyProcessed(): void
    {
        $client = $this->client();
        $part = $this->part();
        $tx = self::guid();
        $client->importBulk(self::OPERATION, $part, $tx);
        $again = $client->importBulk(self::OPERATION, $part, $tx);
        self::assertSame(['sent', $tx, true, 'TransactionAlreadyProcessed'],
            [$again['status'], $again['transactionId'], $again['alreadyProcessed'], $again['answer']['status']]);
        self::assertCount(1, self::tasks());
        // It may have made a task at Mindbox's: it counts.
        self::assertSame(2, $client->outboxStats()['bulkImportsLastHour']);
    }

    public function testAGzipPartIsDeclaredAsSuch(): void
    {
        $answer = $this->client()->importBulk(self::OPERATION, $this->part(5, true), self::guid());
        self::assertSame('sent', $answer['status']);
        [$task] = self::tasks();
        self::assertSame([true, 5, 5], [$task['gzip'], $task['rows'], $task['accepted']]);
        [$request] = self::emulator()->journal(['endpoint' => 'bulk']);
        self::assertSame('gzip', $request['headers']['content-encoding']);
        self::assertSame('text/csv;charset=utf-8', $request['headers']['content-type']);
    }

    public function testRefusalsAreThrownAndBadArgumentsSendNothing(): void
    {
        self::emulator()->bulk('config', ['maxBytes' => 64]);
        try {
            $this->client()->importBulk(self::OPERATION, $this->part(10), self::guid());
            self::fail('a part over the size limit was taken');
        } catch (MindboxProtocolException $e) {
            self::assertSame(413, $e->getHttpStatus());
        }
        $client = $this->client();
        $cases = [
            'file' => [self::OPERATION, $this->tempPath('none.csv'), self::guid(), null],
            'transactionId' => [self::OPERATION, $this->part(), 'part-1', null],
            'operation' => ['Customers Import', $this->part(), self::guid(), null],
            'options.delimiter' => [self::OPERATION, $this->part(), self::guid(), ['delimiter' => ';;']],
        ];
        foreach ($cases as $path => $args) {
            try {
                $client->importBulk(...$args);
                self::fail("$path was taken");
            } catch (MindboxInvalidArgumentException $e) {
                self::assertSame($path, $e->getPath());
            }
        }
        self::assertSame(1, self::bulkRequests());
        self::assertSame(1, $client->outboxStats()['bulkImportsLastHour']);
    }
}
