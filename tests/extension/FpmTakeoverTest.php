<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxClient;
use MindboxTests\Support\Emulator;
use MindboxTests\Support\FpmDrivers;
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
        $drivers = new FpmDrivers(array_map(
            fn (int $d) => [PHP_BINARY, __DIR__ . '/fpm/stream.php', (string) $this->fpm->port, (string) ($d * 1_000_000), '30', $stop],
            range(0, self::DRIVERS - 1),
        ));
        $observer = new MindboxClient($config);
        $events = [];

        $drivers->wait(2.0);
        $holder = (int) explode(':', (string) $observer->outboxStats()['deliverer'])[1];
        self::assertContains($holder, $this->fpm->workerPids(), 'a worker of the pool delivers');
        posix_kill($holder, SIGKILL);
        $events['SIGKILL of the holder'] = microtime(true);
        $drivers->wait(3.0);
        $this->fpm->reload();
        $events['reload'] = microtime(true);
        $drivers->wait(3.0);
        $this->fpm->restart();
        $events['restart'] = microtime(true);
        $drivers->wait(3.0);

        touch($stop);
        $sent = array_merge(...array_column($drivers->finish(), 'ids'));
        $deadline = microtime(true) + 60;
        while ($observer->flush(2.0)['pending'] > 0 && microtime(true) < $deadline) {
            usleep(100_000);
        }
        self::assertSame(0, $observer->outboxStats()['pending']);

        $journal = $this->emulator->journal();
        $processed = array_column(array_filter($journal, static fn ($e) => $e['outcome'] === 'processed'), 'transactionId');
        self::assertEqualsCanonicalizing($sent, array_values(array_unique($processed)), 'nothing lost');
        self::assertCount(count($processed), array_unique($processed), 'nothing processed twice');
        $stalls = self::assertNoLongStall($events, array_column(array_filter($journal, static fn ($e) => $e['outcome'] === 'processed'), 'receivedAt'));
        $duplicates = count(array_filter($journal, static fn ($e) => $e['outcome'] === 'duplicate'));
        fwrite(STDERR, sprintf("\n[takeover] longest stalls: %s; sent %d, answered twice (TransactionAlreadyProcessed) %d\n", implode(', ', $stalls), count($sent), $duplicates));
    }

    /**
     * The longest spell without a delivery around each loss, while the shop kept sending, is short.
     *
     * @param array<string, float> $events what happened, and when
     * @param list<float> $times when Mindbox processed each call
     * @return list<string> the longest stall after each event
     */
    private static function assertNoLongStall(array $events, array $times): array
    {
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
        return $report;
    }
}
