<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxClient;
use MindboxTests\Support\Emulator;
use MindboxTests\Support\FpmPool;
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
    private ?FpmPool $fpm = null;

    protected function setUp(): void
    {
        if (FpmPool::binary() === null) {
            self::markTestSkipped('php-fpm8.2 is not installed (scripts/test.sh installs it)');
        }
        $this->dir = sys_get_temp_dir() . '/mindbox-fpm-' . getmypid() . '-' . bin2hex(random_bytes(3));
        mkdir($this->dir);
        // The emulator remembers processed transactions across its restart, as Mindbox does.
        $this->emulator = Emulator::start(['--state-file', $this->dir . '/transactions']);
    }

    protected function tearDown(): void
    {
        $this->fpm?->stop();
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
        $this->fpm = new FpmPool($this->dir, $config, ['pm.max_requests' => '8']);
        $port = $this->fpm->port;
        $masterBefore = $this->fpm->masterDescriptors();

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
        self::assertCount(self::CLIENTS * self::REQUESTS_PER_CLIENT * 3, $sent, $this->fpm->log());
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
        // A worker being recycled at the moment of the look shows its descriptors half changed: look until steady.
        for ($look = 0; $look < 30 && ($masterAfter = $this->fpm->masterDescriptors()) !== $masterBefore; $look++) {
            usleep(100_000);
        }
        self::assertSame($masterBefore, $masterAfter, 'the FPM master opened nothing');
        foreach ($masterAfter as $target) {
            self::assertStringNotContainsString('outbox.sqlite', $target);
        }
    }
}
