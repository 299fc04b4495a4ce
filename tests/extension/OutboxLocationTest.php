<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxClient;
use MindboxTests\Support\EmulatorTestCase;

/**
 * Where the outbox is: a path that cannot hold one, a directory the process may not write, a file another user
 * planted, a MySQL server out of reach, many processes creating it at once. Each is reported, naming the path, and the
 * process goes on.
 */
final class OutboxLocationTest extends EmulatorTestCase
{
    /**
     * @dataProvider unusableOutboxes
     */
    public function testAnUnusableOutboxIsReportedAndTheProcessGoesOn(callable $prepare, string $expected): void
    {
        $path = $prepare($this->tempPath('broken'));
        try {
            $this->client(['outbox' => $path])->setCart(['customer' => ['ids' => ['websiteID' => '1']], 'productList' => []]);
            self::fail('no exception');
        } catch (\MindboxOutboxException $e) {
            self::assertSame($path, $e->getPath());
            self::assertStringContainsString($expected, $e->getMessage());
        }
        self::assertSame('Success', $this->client()->call('Website.Ping', ['a' => 1])['status'], 'the process goes on');
    }

    /** @return array<string, array{callable, string}> */
    public function unusableOutboxes(): array
    {
        return [
            'missing directory' => [static fn (string $base) => "$base/no/such/dir/outbox.sqlite", 'cannot be created: No such file or directory'],
            'a directory' => [static function (string $base) {
                mkdir($base);
                return $base;
            }, 'is a directory'],
            'corrupt file' => [static function (string $base) {
                file_put_contents($base, str_repeat("this is not a database\n", 400));
                return $base;
            }, 'not a database'],
        ];
    }

    public function testAReadOnlyDirectoryIsReported(): void
    {
        $dir = $this->tempPath('readonly');
        mkdir($dir, 0555);
        $path = "$dir/outbox.sqlite";
        $code = sprintf(
            'try { (new MindboxClient(["endpointId" => "e", "secretKey" => "k", "outbox" => %s]))->setCart(["productList" => []]); echo "accepted"; }'
            . ' catch (MindboxOutboxException $e) { echo get_class($e), "|", $e->getPath(), "|", $e->getMessage(); } echo "|alive";',
            var_export($path, true),
        );
        $command = [PHP_BINARY, '-d', 'extension=' . self::extensionPath(), '-r', $code];
        // Root writes anywhere; the check needs an ordinary user, as PHP-FPM's pool user is.
        if (function_exists('posix_getuid') && posix_getuid() === 0) {
            $command = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', ...$command];
        }
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        proc_close($process);
        [$class, $reported, $message, $alive] = explode('|', $out) + ['', '', '', ''];
        self::assertSame('MindboxOutboxException', $class, $out . $err);
        self::assertSame($path, $reported);
        self::assertStringContainsString('Permission denied', $message);
        self::assertSame('alive', $alive);
    }

    /**
     * The attack of a local user on a shared host: in a world-writable directory (as /tmp) they plant the outbox
     * first, readable and writable by all, to read the customers' data and slip in events of their own. The shop's
     * process refuses it, naming the path and the fix, and writes nothing into it.
     */
    public function testAnOutboxPlantedByAnotherUserInAWorldWritableDirectoryIsRefused(): void
    {
        if (!function_exists('posix_getuid') || posix_getuid() !== 0) {
            self::markTestSkipped('needs root to act as another user');
        }
        $dir = $this->tempPath('shared-tmp');
        mkdir($dir);
        chmod($dir, 01777);
        chmod(dirname($dir), 0711);
        $path = "$dir/outbox.sqlite";
        $plant = sprintf('umask(0); touch(%1$s); chmod(%1$s, 0666);', var_export($path, true));
        exec(sprintf('setpriv --reuid=nobody --regid=nogroup --clear-groups -- %s -r %s 2>&1', escapeshellarg(PHP_BINARY), escapeshellarg($plant)), $out, $status);
        self::assertSame(0, $status, implode("\n", $out));
        self::assertSame('nobody', posix_getpwuid(fileowner($path))['name']);

        try {
            $this->client(['outbox' => $path])->registerCustomer(['customer' => ['email' => 'anna@example.com']]);
            self::fail('an outbox another user controls was used');
        } catch (\MindboxOutboxException $e) {
            self::assertSame($path, $e->getPath());
            self::assertStringContainsString('writable by every user', $e->getMessage());
            self::assertStringContainsString('directory of the site\'s own', $e->getMessage());
        }
        self::assertSame(0, filesize($path), 'nothing was written into it');
    }

    /**
     * A cluster's outbox is its database: when the server cannot be reached, send() says so at once (the module
     * logs it and the shop goes on), naming the server and never the password.
     */
    public function testAMysqlOutboxThatCannotBeReachedFailsAtOnceWithoutThePassword(): void
    {
        $port = stream_socket_server('tcp://127.0.0.1:0');
        $name = (string)stream_socket_get_name($port, false);
        fclose($port);
        $started = microtime(true);
        try {
            $this->client(['outbox' => "mysql://shop:S3cret-pass@$name/shop"])->registerCustomer(['customer' => ['email' => 'anna@example.com']]);
            self::fail('no exception');
        } catch (\MindboxOutboxException $e) {
            self::assertLessThan(3.0, microtime(true) - $started, 'at once, not after a hang');
            self::assertStringContainsString("mysql://shop@$name/shop", $e->getMessage());
            self::assertStringNotContainsString('S3cret-pass', $e->getMessage() . $e->getPath());
        }
        try {
            new MindboxClient(['endpointId' => 'e', 'secretKey' => 'k', 'outbox' => 'mysql://shop:pw@127.0.0.1:99999/shop']);
            self::fail('a bad port was accepted');
        } catch (\MindboxInvalidArgumentException $e) {
            self::assertSame('config.outbox', $e->getPath());
            self::assertStringNotContainsString(':pw@', $e->getMessage());
        }
    }

    public function testManyProcessesSendingToANewOutboxAtOnceAllSucceed(): void
    {
        $outbox = $this->tempPath('fresh.sqlite');
        $config = var_export(['endpointId' => 'e', 'secretKey' => 'k', 'baseUrl' => 'http://127.0.0.1:1', 'outbox' => $outbox], true);
        $startAt = microtime(true) + 1.0;
        // All start their first send at the same moment, as PHP-FPM workers do on a fresh install.
        $code = "time_sleep_until($startAt); try { (new MindboxClient($config))->setCart(['productList' => []]); echo 'ok'; }"
            . ' catch (Throwable $e) { echo get_class($e), ": ", $e->getMessage(); }';
        $processes = [];
        for ($i = 0; $i < 16; $i++) {
            $processes[] = proc_open([PHP_BINARY, '-d', 'extension=' . self::extensionPath(), '-r', $code], [1 => ['pipe', 'w']], $pipes);
            $outputs[] = $pipes[1];
        }
        foreach ($processes as $i => $process) {
            self::assertSame('ok', stream_get_contents($outputs[$i]));
            proc_close($process);
        }
        self::assertSame(16, (new MindboxClient(['endpointId' => 'e', 'secretKey' => 'k', 'baseUrl' => 'http://127.0.0.1:1', 'outbox' => $outbox]))->outboxStats()['pending']);
    }
}
