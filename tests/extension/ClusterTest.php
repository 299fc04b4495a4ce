<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxClient;
use MindboxTests\Support\Emulator;
use MindboxTests\Support\FpmDrivers;
use MindboxTests\Support\FpmPool;
use PHPUnit\Framework\TestCase;

/**
 * A web cluster: two PHP-FPM pools stand for two nodes behind a balancer, sharing one outbox in MariaDB (the server
 * scripts/test.sh starts). Requests alternate between the nodes, two in a row about the same customer and order, so
 * the events of one key come from both. Mid-run the process holding the delivery lease is killed, and MariaDB is
 * restarted. Nothing may be lost or processed twice, every key's events must reach Mindbox in the order they were
 * sent, and the two nodes together must keep under the rate limit.
 */
final class ClusterTest extends TestCase
{
    private const DRIVERS = 2;
    private const INTERVAL_MS = 60;
    /** Requests a minute per operation, for both nodes together. */
    private const RATE_LIMIT = 1800;

    private string $dir = '';
    /** @var list<FpmPool> */
    private array $nodes = [];
    private ?Emulator $emulator = null;

    protected function setUp(): void
    {
        if (FpmPool::binary() === null) {
            self::markTestSkipped('php-fpm8.2 is not installed (scripts/test.sh installs it)');
        }
        if ((string) getenv('MINDBOX_TEST_MYSQL_URL') === '' || (string) getenv('MINDBOX_MARIADB_DIR') === '') {
            self::markTestSkipped('no MariaDB (scripts/test.sh starts one)');
        }
        $this->dir = sys_get_temp_dir() . '/mindbox-cluster-' . getmypid() . '-' . bin2hex(random_bytes(3));
        mkdir($this->dir);
        $this->emulator = Emulator::start(['--state-file', $this->dir . '/transactions', '--latency-ms', '20']);
    }

    protected function tearDown(): void
    {
        foreach ($this->nodes as $node) {
            $node->stop();
        }
        $this->emulator?->stop();
        exec('rm -rf ' . escapeshellarg($this->dir));
    }

    /** MariaDB stopped and started again, as a database restart in production does it (scripts/mariadb.sh). */
    private static function restartDatabase(): void
    {
        $script = dirname(__DIR__, 2) . '/scripts/mariadb.sh';
        exec(sprintf('bash -c %s 2>&1', escapeshellarg('. ' . escapeshellarg($script) . ' && mariadb_restart')), $output, $status);
        self::assertSame(0, $status, implode("\n", $output));
    }

    public function testTwoNodesShareOrderingTheLeaseAndTheRateLimitThroughKillsAndADatabaseRestart(): void
    {
        $config = $this->startNodes();
        $ports = implode(',', array_map(static fn (FpmPool $node) => $node->port, $this->nodes));
        $stop = $this->dir . '/stop';
        $drivers = new FpmDrivers(array_map(
            static fn (int $d) => [PHP_BINARY, __DIR__ . '/fpm/cluster.php', $ports, (string) ($d * 1_000_000), (string) self::INTERVAL_MS, $stop],
            range(0, self::DRIVERS - 1),
        ));
        $observer = new MindboxClient($config);

        $drivers->wait(3.0);
        $holder = (int) explode(':', (string) $observer->outboxStats()['deliverer'])[1];
        $workers = array_merge(...array_map(static fn (FpmPool $node) => $node->workerPids(), $this->nodes));
        self::assertContains($holder, $workers, 'a worker of one of the nodes delivers');
        posix_kill($holder, SIGKILL);
        $drivers->wait(3.0);
        self::restartDatabase();
        $drivers->wait(3.0);

        touch($stop);
        $sent = [];
        foreach ($drivers->finish() as $answer) {
            [$register, $cart, $order] = $answer['ids'];
            $sent[] = ['key' => "u{$answer['k']}", 'tx' => $register];
            $sent[] = ['key' => "u{$answer['k']}", 'tx' => $cart];
            $sent[] = ['key' => "o{$answer['k']}", 'tx' => $order];
        }
        self::assertGreaterThan(300, count($sent), 'the shop kept sending');
        $deadline = microtime(true) + 90;
        while ($observer->flush(2.0)['pending'] > 0 && microtime(true) < $deadline) {
            usleep(100_000);
        }
        self::assertSame(0, $observer->outboxStats()['pending']);

        $processed = array_values(array_filter($this->emulator->journal(), static fn ($e) => $e['outcome'] === 'processed'));
        usort($processed, static fn (array $a, array $b) => $a['seq'] <=> $b['seq']);
        $txs = array_column($processed, 'transactionId');
        self::assertEqualsCanonicalizing(array_column($sent, 'tx'), array_values(array_unique($txs)), 'nothing lost');
        self::assertCount(count($txs), array_unique($txs), 'nothing processed twice');
        $shared = self::assertEachKeyInOrder($sent, $txs);
        $allowed = 2 * self::RATE_LIMIT / 60 + 1;
        $busiest = self::assertUnderTheRateLimit($processed, $allowed);
        fwrite(STDERR, sprintf("\n[cluster] sent %d events from 2 nodes, %d keys from both, busiest 2 s of one operation %d (allowed %d)\n", count($sent), $shared, $busiest, $allowed));
    }

    /** @return array<string, mixed> the client config of both nodes: one outbox, in tables of this test's own */
    private function startNodes(): array
    {
        $url = (string) getenv('MINDBOX_TEST_MYSQL_URL');
        $config = [
            'endpointId' => $this->emulator->endpointId(),
            'secretKey' => $this->emulator->secretKey(),
            'baseUrl' => $this->emulator->baseUrl(),
            'outbox' => $url . (str_contains($url, '?') ? '&' : '?') . 'prefix=c' . getmypid() . '_',
            'timeout' => 2.0,
            'rateLimit' => self::RATE_LIMIT,
        ];
        foreach (['a', 'b'] as $name) {
            mkdir("{$this->dir}/$name");
            $this->nodes[] = new FpmPool("{$this->dir}/$name", $config, ['pm.max_children' => '3']);
        }
        return $config;
    }

    /**
     * Every key's events in the order the shop sent them, whichever node sent them.
     *
     * @param list<array{key: string, tx: string}> $sent
     * @param list<string> $txs the transactions Mindbox processed, in arrival order
     * @return int the keys whose events came from both nodes
     */
    private static function assertEachKeyInOrder(array $sent, array $txs): int
    {
        $arrival = array_flip($txs);
        $byKey = [];
        foreach ($sent as $event) {
            $byKey[$event['key']][] = $arrival[$event['tx']];
        }
        $shared = 0;
        foreach ($byKey as $key => $positions) {
            $ordered = $positions;
            sort($ordered);
            self::assertSame($ordered, $positions, "the events of $key arrived in the order they were sent");
            $shared += count($positions) > 3 ? 1 : 0;
        }
        self::assertGreaterThan(10, $shared, 'keys whose events came from both nodes');
        return $shared;
    }

    /**
     * Both nodes together under the limit: in any 2 s, at most the limit's share and the one in hand.
     *
     * @param list<array<string, mixed>> $processed the journal's processed calls
     * @return int the most calls of one operation in 2 s
     */
    private static function assertUnderTheRateLimit(array $processed, float $allowed): int
    {
        $perOperation = [];
        foreach ($processed as $entry) {
            $perOperation[$entry['operation']][] = (float) $entry['receivedAt'];
        }
        $busiest = 0;
        foreach ($perOperation as $operation => $times) {
            sort($times);
            $most = 0;
            for ($i = 0, $j = 0; $i < count($times); $i++) {
                while ($times[$i] - $times[$j] >= 2.0) {
                    $j++;
                }
                $most = max($most, $i - $j + 1);
            }
            self::assertLessThanOrEqual($allowed, $most, "$operation within the rate limit across both nodes");
            $busiest = max($busiest, $most);
        }
        return $busiest;
    }
}
