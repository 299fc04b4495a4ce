<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxClient;
use MindboxTests\Support\Binaries;
use MindboxTests\Support\Emulator;
use MindboxTests\Support\FpmPool;
use MindboxTests\Support\ProcessGroup;
use PHPUnit\Framework\TestCase;

/**
 * mindbox.delivery = external: PHP-FPM workers only write to the outbox, with no thread of the extension's, and
 * the delivery daemon (mindbox-deliver) delivers, killed and started again in the middle of the run: nothing lost,
 * nothing processed twice.
 */
final class FpmDaemonTest extends TestCase
{
    private string $dir;
    private ?Emulator $emulator = null;
    private ?FpmPool $fpm = null;
    private ?ProcessGroup $daemon = null;

    protected function setUp(): void
    {
        if (FpmPool::binary() === null) {
            self::markTestSkipped('php-fpm8.2 is not installed (scripts/test.sh installs it)');
        }
        $this->dir = sys_get_temp_dir() . '/mindbox-daemon-' . getmypid() . '-' . bin2hex(random_bytes(3));
        mkdir($this->dir);
        $this->emulator = Emulator::start(['--state-file', $this->dir . '/transactions', '--latency-ms', '10']);
    }

    protected function tearDown(): void
    {
        $this->stopDaemon(SIGTERM);
        $this->fpm?->stop();
        $this->emulator?->stop();
        exec('rm -rf ' . escapeshellarg($this->dir));
    }

    public function testWorkersOnlyWriteAndTheDaemonDeliversThroughItsOwnRestart(): void
    {
        $config = [
            'endpointId' => $this->emulator->endpointId(),
            'secretKey' => $this->emulator->secretKey(),
            'baseUrl' => $this->emulator->baseUrl(),
            'outbox' => $this->dir . '/outbox.sqlite',
            'timeout' => 2.0,
        ];
        file_put_contents($this->dir . '/deliver.json', json_encode([$config], JSON_THROW_ON_ERROR));
        chmod($this->dir . '/deliver.json', 0600);
        $this->fpm = new FpmPool($this->dir, $config, ['pm.max_children' => '3', 'php_admin_value[mindbox.delivery]' => 'external']);
        $this->startDaemon();

        $stop = $this->dir . '/stop';
        $driver = proc_open(
            [PHP_BINARY, __DIR__ . '/fpm/stream.php', (string) $this->fpm->port, '0', '20', $stop],
            [1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes,
        );
        $extensionThreads = [];
        for ($tick = 0; $tick < 40; $tick++) {
            usleep(100_000);
            foreach ($this->fpm->workerPids() as $pid) {
                foreach (glob("/proc/$pid/task/*/comm") ?: [] as $comm) {
                    if (str_starts_with(trim((string) @file_get_contents($comm)), 'mindbox')) {
                        $extensionThreads[] = trim((string) file_get_contents($comm));
                    }
                }
            }
            if ($tick === 15) {
                $this->stopDaemon(SIGKILL);
            }
            if ($tick === 20) {
                $this->startDaemon();
            }
        }
        touch($stop);
        $out = (string) stream_get_contents($pipes[1]);
        $error = (string) stream_get_contents($pipes[2]);
        self::assertSame(0, proc_close($driver), $error);
        $sent = [];
        foreach (array_filter(explode("\n", $out)) as $line) {
            array_push($sent, ...json_decode($line, true, 512, JSON_THROW_ON_ERROR)['ids']);
        }
        self::assertSame([], $extensionThreads, 'the workers started no delivery thread');
        self::assertGreaterThan(30, count($sent));

        $observer = new MindboxClient($config);
        $deadline = microtime(true) + 30;
        while ($observer->outboxStats()['pending'] > 0 && microtime(true) < $deadline) {
            usleep(100_000);
        }
        self::assertSame(0, $observer->outboxStats()['pending'], 'the daemon delivered everything');
        $processed = array_column($this->emulator->journal(['outcome' => 'processed']), 'transactionId');
        self::assertEqualsCanonicalizing($sent, array_values(array_unique($processed)), 'nothing lost');
        self::assertCount(count($processed), array_unique($processed), 'nothing processed twice');
    }

    private function startDaemon(): void
    {
        $this->daemon = ProcessGroup::start(
            [Binaries::deliver(), '--config', $this->dir . '/deliver.json'],
            [1 => ['file', $this->dir . '/daemon.out', 'a'], 2 => ['file', $this->dir . '/daemon.err', 'a']],
        );
    }

    /** SIGKILL stops it as a crash would. */
    private function stopDaemon(int $signal): void
    {
        $this->daemon?->signal($signal);
        $this->daemon?->stop();
        $this->daemon = null;
    }
}
