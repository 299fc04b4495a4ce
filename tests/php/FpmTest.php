<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxClient;
use MindboxTests\Support\Emulator;
use PHPUnit\Framework\TestCase;

/**
 * Under real PHP-FPM: workers recycled mid-run, concurrent requests sending events, Mindbox
 * restarted in the middle. Nothing lost, nothing processed twice, nothing opened in the master.
 */
final class FpmTest extends TestCase
{
    private const CLIENTS = 4;
    private const REQUESTS_PER_CLIENT = 100;

    private string $dir;
    private ?Emulator $emulator = null;
    /** @var resource|null */
    private $fpm = null;

    protected function setUp(): void
    {
        $binary = self::fpmBinary();
        if ($binary === null) {
            self::markTestSkipped('php-fpm8.2 is not installed (scripts/test.sh installs it)');
        }
        $this->dir = sys_get_temp_dir() . '/mindbox-fpm-' . getmypid() . '-' . bin2hex(random_bytes(3));
        mkdir($this->dir);
        // The emulator remembers processed transactions across its restart, as Mindbox does.
        $this->emulator = Emulator::start(['--state-file', $this->dir . '/transactions']);
    }

    protected function tearDown(): void
    {
        if (is_resource($this->fpm)) {
            proc_terminate($this->fpm, 15);
            proc_close($this->fpm);
        }
        $this->emulator?->stop();
        foreach (glob($this->dir . '/*') ?: [] as $file) {
            @unlink($file);
        }
        @rmdir($this->dir);
    }

    public function testWorkersRecycledAndMindboxRestartedLoseNothingAndProcessNothingTwice(): void
    {
        $config = [
            'endpointId' => $this->emulator->endpointId(),
            'secretKey' => $this->emulator->secretKey(),
            'baseUrl' => $this->emulator->baseUrl(),
            'outbox' => $this->dir . '/outbox.sqlite',
            'timeout' => 1.0,
            'retryDelay' => 0.05,
            'retryMaxDelay' => 0.5,
            'lease' => 3.0,
        ];
        [$port, $masterPid] = $this->startFpm($config);
        $masterBefore = self::descriptors($masterPid);

        $drivers = [];
        for ($c = 0; $c < self::CLIENTS; $c++) {
            $from = $c * self::REQUESTS_PER_CLIENT;
            $drivers[] = proc_open(
                [PHP_BINARY, __DIR__ . '/fpm/drive.php', (string) $port, (string) $from, (string) ($from + self::REQUESTS_PER_CLIENT)],
                [1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
                $pipes,
            );
            $outputs[] = $pipes;
        }

        // Mindbox goes away in the middle of the run. Faults first, so that the journal read
        // before the restart holds everything processed before it.
        usleep(300_000);
        $running = array_filter($drivers, static fn ($d) => proc_get_status($d)['running']);
        self::assertNotEmpty($running, 'the shop was still sending when Mindbox went away');
        $this->emulator->faults(['rules' => [['kind' => 'status', 'status' => 503]]]);
        $before = array_column($this->emulator->journal(['outcome' => 'processed']), 'transactionId');
        $this->emulator->restart();

        $sent = [];
        $pids = [];
        foreach ($drivers as $i => $driver) {
            $out = (string) stream_get_contents($outputs[$i][1]);
            $err = (string) stream_get_contents($outputs[$i][2]);
            self::assertSame(0, proc_close($driver), $err);
            foreach (array_filter(explode("\n", $out)) as $line) {
                $answer = json_decode($line, true);
                self::assertIsArray($answer, "a worker answered: $line");
                $pids[$answer['pid']] = true;
                array_push($sent, ...$answer['ids']);
            }
        }
        self::assertCount(self::CLIENTS * self::REQUESTS_PER_CLIENT * 3, $sent, (string) @file_get_contents($this->dir . '/fpm.log'));
        self::assertGreaterThan(4, count($pids), 'pm.max_requests recycled the workers during the run');

        // Whatever the workers left undelivered is delivered by whoever flushes next.
        $agent = new MindboxClient($config);
        $deadline = microtime(true) + 90;
        while ($agent->flush(2.0)['pending'] > 0 && microtime(true) < $deadline) {
            usleep(100_000);
        }
        self::assertSame(0, $agent->outboxStats()['pending']);
        self::assertSame(0, $agent->outboxStats()['failed']);

        $after = array_column($this->emulator->journal(['outcome' => 'processed']), 'transactionId');
        $processed = array_merge($before, $after);
        self::assertEqualsCanonicalizing($sent, array_values(array_unique($processed)), 'nothing lost');
        self::assertCount(count($sent), $processed, 'nothing processed twice');
        self::assertNotEmpty($before, 'some events were delivered before the restart');

        // The master forks the workers: had it opened the outbox or a connection, they would share it.
        $masterAfter = self::descriptors($masterPid);
        self::assertSame($masterBefore, $masterAfter, 'the FPM master opened nothing');
        foreach ($masterAfter as $target) {
            self::assertStringNotContainsString('outbox.sqlite', $target);
        }
    }

    /**
     * @param array<string, mixed> $config
     * @return array{int, int} port and master pid
     */
    private function startFpm(array $config): array
    {
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $name = (string) stream_socket_get_name($probe, false);
        $port = (int) substr($name, strrpos($name, ':') + 1);
        fclose($probe);
        $conf = $this->dir . '/fpm.conf';
        file_put_contents($conf, implode("\n", [
            '[global]',
            'pid = ' . $this->dir . '/fpm.pid',
            'error_log = ' . $this->dir . '/fpm.log',
            'daemonize = no',
            '[test]',
            "listen = 127.0.0.1:$port",
            'pm = static',
            'pm.max_children = 3',
            'pm.max_requests = 8',
            'clear_env = yes',
            // The pool file is ini: base64 keeps JSON's quotes and braces out of its parser.
            'env[MINDBOX_TEST_CONFIG] = "' . base64_encode(json_encode($config, JSON_THROW_ON_ERROR)) . '"',
            'catch_workers_output = yes',
            '',
        ]));
        $command = [self::fpmBinary(), '-F', '-y', $conf, '-d', 'extension=' . self::extensionPath()];
        if (function_exists('posix_getuid') && posix_getuid() === 0) {
            $command[] = '-R';
        }
        $this->fpm = proc_open($command, [1 => ['file', $this->dir . '/fpm.out', 'w'], 2 => ['file', $this->dir . '/fpm.err', 'w']], $pipes);
        $deadline = microtime(true) + 10;
        while (microtime(true) < $deadline) {
            $socket = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $error, 0.2);
            if ($socket !== false) {
                fclose($socket);
                return [$port, (int) proc_get_status($this->fpm)['pid']];
            }
            usleep(50_000);
        }
        self::fail('PHP-FPM did not start: ' . @file_get_contents($this->dir . '/fpm.err') . @file_get_contents($this->dir . '/fpm.log'));
    }

    /** @return list<string> what the process's file descriptors point at, sockets by kind only */
    private static function descriptors(int $pid): array
    {
        $targets = [];
        foreach (glob("/proc/$pid/fd/*") ?: [] as $fd) {
            $target = (string) @readlink($fd);
            // Workers come and go with their pipes; what matters is the kind of each descriptor.
            $targets[] = (string) preg_replace('~^(socket|pipe|anon_inode):.*$~', '$1', $target);
        }
        sort($targets);
        return $targets;
    }

    private static function fpmBinary(): ?string
    {
        foreach (['/usr/sbin/php-fpm8.2', '/usr/sbin/php-fpm'] as $path) {
            if (is_executable($path)) {
                return $path;
            }
        }
        return null;
    }

    private static function extensionPath(): string
    {
        $path = getenv('MINDBOX_EXTENSION');
        return is_string($path) && $path !== '' ? $path : dirname(__DIR__, 2) . '/target/debug/libmindbox.so';
    }
}
