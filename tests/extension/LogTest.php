<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxException;
use MindboxTests\Support\EmulatorTestCase;

/**
 * The request log: useful to support, useless to whoever steals it.
 */
final class LogTest extends EmulatorTestCase
{
    private const BODY = ['customer' => ['email' => 'ivan.petrov@example.ru', 'mobilePhone' => '+7 900 123-45-67', 'firstName' => 'Иван']];

    public function testLoggingIsOffByDefault(): void
    {
        $dir = $this->tempPath('logdir');
        mkdir($dir);
        $this->client()->call('Website.Ping', self::BODY);
        self::assertSame(['.', '..'], scandir($dir));
    }

    public function testOneLinePerRequestWithoutBodiesAtInfo(): void
    {
        $log = $this->tempPath('info.log');
        $client = $this->client(['logFile' => $log]);
        $client->call('Website.Ping', self::BODY, ['transactionId' => '0f8fad5b-d9cb-469f-a165-70867728950e']);
        self::emulator()->faults(['rules' => [['kind' => 'status', 'status' => 400]]]);
        try {
            $client->call('Website.Ping', self::BODY);
        } catch (MindboxException) {
        }

        $raw = (string) file_get_contents($log);
        $lines = array_map(static fn ($l) => json_decode($l, true, 512, JSON_THROW_ON_ERROR), explode("\n", trim($raw)));
        self::assertCount(2, $lines);
        [$ok, $failed] = $lines;
        foreach (['time', 'operation', 'endpoint', 'httpStatus', 'mindboxStatus', 'durationMs', 'transactionId', 'errorId', 'error'] as $field) {
            self::assertArrayHasKey($field, $ok);
        }
        self::assertSame('Website.Ping', $ok['operation']);
        self::assertSame('sync', $ok['endpoint']);
        self::assertSame(200, $ok['httpStatus']);
        self::assertSame('Success', $ok['mindboxStatus']);
        self::assertSame('0f8fad5b-d9cb-469f-a165-70867728950e', $ok['transactionId']);
        self::assertNull($ok['error']);
        self::assertSame(400, $failed['httpStatus']);
        self::assertSame('ProtocolError', $failed['mindboxStatus']);
        self::assertNotNull($failed['errorId']);
        self::assertNotNull($failed['error']);
        self::assertArrayNotHasKey('request', $ok);
        self::assertStringNotContainsString('ivan', $raw);
        self::assertStringNotContainsString(self::emulator()->secretKey(), $raw);
    }

    public function testDebugLogsBodiesWithPersonalDataMasked(): void
    {
        $log = $this->tempPath('debug.log');
        $this->client(['logFile' => $log, 'logLevel' => 'debug'])
            ->call('Website.Ping', self::BODY + ['note' => 'reply to ivan.petrov@example.ru']);
        $raw = (string) file_get_contents($log);
        $line = json_decode(trim($raw), true, 512, JSON_THROW_ON_ERROR);
        self::assertSame('i***@example.ru', $line['request']['customer']['email']);
        self::assertSame('*********67', $line['request']['customer']['mobilePhone']);
        self::assertSame('Иван', $line['request']['customer']['firstName']);
        self::assertSame('reply to i***@example.ru', $line['request']['note']);
        self::assertSame('Success', $line['response']['status']);
        self::assertStringNotContainsString('ivan.petrov', $raw);
        self::assertStringNotContainsString('9001234567', $raw);
        self::assertStringNotContainsString(self::emulator()->secretKey(), $raw);
    }

    public function testRotationBySizeKeepsAFewFiles(): void
    {
        $log = $this->tempPath('rotate.log');
        $client = $this->client(['logFile' => $log, 'logMaxBytes' => 4096]);
        for ($i = 0; $i < 60; $i++) {
            $client->call('Website.Ping', ['i' => $i]);
        }
        self::assertLessThanOrEqual(4096, filesize($log));
        self::assertFileExists("$log.1");
        self::assertFileExists("$log.3");
        self::assertFileDoesNotExist("$log.4");
        foreach ([$log, "$log.1", "$log.2", "$log.3"] as $file) {
            foreach (explode("\n", trim((string) file_get_contents($file))) as $line) {
                self::assertIsArray(json_decode($line, true), "a whole JSON line in $file");
            }
        }
    }

    public function testManyProcessesWriteWholeLines(): void
    {
        $log = $this->tempPath('many.log');
        $script = $this->tempPath('writer.php');
        $config = var_export([
            'endpointId' => self::emulator()->endpointId(),
            'secretKey' => self::emulator()->secretKey(),
            'baseUrl' => self::emulator()->baseUrl(),
            'logFile' => $log,
            'logLevel' => 'debug',
            'logMaxBytes' => 1024 * 1024 * 64,
        ], true);
        file_put_contents($script, "<?php \$c = new MindboxClient($config);\n"
            . "for (\$i = 0; \$i < 50; \$i++) { \$c->call('Website.Ping', ['payload' => str_repeat('x', 3000), 'i' => \$i]); }\n");
        $processes = [];
        for ($p = 0; $p < 6; $p++) {
            $processes[] = proc_open([PHP_BINARY, '-d', 'extension=' . self::extensionPath(), $script], [], $pipes);
        }
        foreach ($processes as $process) {
            self::assertSame(0, proc_close($process));
        }
        $lines = explode("\n", trim((string) file_get_contents($log)));
        self::assertCount(300, $lines);
        foreach ($lines as $line) {
            self::assertSame(3000, strlen(json_decode($line, true, 512, JSON_THROW_ON_ERROR)['request']['payload']));
        }
    }
}
