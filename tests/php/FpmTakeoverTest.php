<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxClient;
use MindboxTests\Support\Emulator;
use MindboxTests\Support\FpmPool;
use PHPUnit\Framework\TestCase;

/**
 * A real PHP-FPM pool under steady traffic loses the process that delivers in each of the three ways production
 * does: killed (SIGKILL), reloaded (SIGUSR2) and restarted (SIGTERM and a new master). Each time another process
 * takes over within seconds, with the lease at its default of a minute: nothing lost, nothing processed twice.
 */
final class FpmTakeoverTest extends TestCase
{
    private const DRIVERS = 2;
    /** The longest Mindbox may go without a delivery while events are pending. */
    private const MAX_STALL = 5.0;

    private string $dir;
    private ?Emulator $emulator = null;
    private ?FpmPool $fpm = null;

    protected function setUp(): void
    {
        if (FpmPool::binary() === null) {
            self::markTestSkipped('php-fpm8.2 is not installed (scripts/test.sh installs it)');
        }
        $this->dir = sys_get_temp_dir() . '/mindbox-takeover-' . getmypid() . '-' . bin2hex(random_bytes(3));
        mkdir($this->dir);
        $this->emulator = Emulator::start(['--state-file', $this->dir . '/transactions', '--latency-ms', '20']);
    }

    protected function tearDown(): void
    {
        $this->fpm?->stop();
        $this->emulator?->stop();
        exec('rm -rf ' . escapeshellarg($this->dir));
    }

    public function testKilledReloadedAndRestartedPoolsKeepDelivering(): void
    {
        $config = [
            'endpointId' => $this->emulator->endpointId(),
            'secretKey' => $this->emulator->secretKey(),
            'baseUrl' => $this->emulator->baseUrl(),
            'outbox' => $this->dir . '/outbox.sqlite',
            'timeout' => 2.0,
        ];
        $this->fpm = new FpmPool($this->dir, $config, ['pm.max_children' => '4']);
        $stop = $this->dir . '/stop';
        $drivers = [];
        $pipes = [];
        for ($d = 0; $d < self::DRIVERS; $d++) {
            $drivers[] = proc_open(
                [PHP_BINARY, __DIR__ . '/fpm/stream.php', (string) $this->fpm->port, (string) ($d * 1_000_000), '30', $stop],
                [1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
                $pipes[$d],
            );
            stream_set_blocking($pipes[$d][1], false);
        }
        $output = array_fill(0, self::DRIVERS, '');
        $read = function () use (&$output, $pipes): void {
            foreach ($pipes as $d => [, $out]) {
                $output[$d] .= (string) stream_get_contents($out);
            }
        };
        $observer = new MindboxClient($config);
        $events = [];
        $wait = function (float $seconds) use ($read): void {
            $until = microtime(true) + $seconds;
            while (microtime(true) < $until) {
                $read();
                usleep(50_000);
            }
        };

        $wait(2.0);
        $holder = (int) explode(':', (string) $observer->outboxStats()['deliverer'])[1];
        self::assertContains($holder, $this->fpm->workerPids(), 'a worker of the pool delivers');
        posix_kill($holder, SIGKILL);
        $events['SIGKILL of the holder'] = microtime(true);
        $wait(3.0);
        $this->fpm->reload();
        $events['reload'] = microtime(true);
        $wait(3.0);
        $this->fpm->restart();
        $events['restart'] = microtime(true);
        $wait(3.0);

        touch($stop);
        $sent = [];
        foreach ($drivers as $d => $driver) {
            stream_set_blocking($pipes[$d][1], true);
            $output[$d] .= (string) stream_get_contents($pipes[$d][1]);
            $error = (string) stream_get_contents($pipes[$d][2]);
            self::assertSame(0, proc_close($driver), $error);
            foreach (array_filter(explode("\n", $output[$d])) as $line) {
                $answer = json_decode($line, true);
                self::assertIsArray($answer, "a worker answered: $line");
                array_push($sent, ...$answer['ids']);
            }
        }
        $deadline = microtime(true) + 60;
        while ($observer->flush(2.0)['pending'] > 0 && microtime(true) < $deadline) {
            usleep(100_000);
        }
        self::assertSame(0, $observer->outboxStats()['pending']);

        $journal = $this->emulator->journal();
        $processed = array_column(array_filter($journal, static fn ($e) => $e['outcome'] === 'processed'), 'transactionId');
        self::assertEqualsCanonicalizing($sent, array_values(array_unique($processed)), 'nothing lost');
        self::assertCount(count($processed), array_unique($processed), 'nothing processed twice');

        // Stalls: the longest spell without a delivery around each loss, while the shop kept sending.
        $times = array_column(array_filter($journal, static fn ($e) => $e['outcome'] === 'processed'), 'receivedAt');
        sort($times);
        $report = [];
        foreach ($events as $what => $at) {
            $stall = 0.0;
            $previous = $at;
            foreach ($times as $t) {
                if ($t > $at && $t < $at + 4 * self::MAX_STALL) {
                    $stall = max($stall, $t - $previous);
                    $previous = $t;
                }
            }
            $report[] = sprintf('%s: %.2f s', $what, $stall);
            self::assertLessThan(self::MAX_STALL, $stall, "delivery stalled after the $what");
        }
        $duplicates = count(array_filter($journal, static fn ($e) => $e['outcome'] === 'duplicate'));
        fwrite(STDERR, sprintf("\n[takeover] longest stalls: %s; sent %d, answered twice (TransactionAlreadyProcessed) %d\n", implode(', ', $report), count($sent), $duplicates));
    }
}
