<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxClient;
use MindboxTests\Support\Emulator;
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
        $ports = implode(',', array_map(static fn (FpmPool $node) => $node->port, $this->nodes));
        $stop = $this->dir . '/stop';
        $drivers = [];
        $pipes = [];
        for ($d = 0; $d < self::DRIVERS; $d++) {
            $drivers[] = proc_open(
                [PHP_BINARY, __DIR__ . '/fpm/cluster.php', $ports, (string) ($d * 1_000_000), (string) self::INTERVAL_MS, $stop],
                [1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
                $pipes[$d],
            );
            stream_set_blocking($pipes[$d][1], false);
        }
        $output = array_fill(0, self::DRIVERS, '');
        $wait = function (float $seconds) use (&$output, $pipes): void {
            $until = microtime(true) + $seconds;
            while (microtime(true) < $until) {
                foreach ($pipes as $d => [, $out]) {
                    $output[$d] .= (string) stream_get_contents($out);
                }
                usleep(50_000);
            }
        };
        $observer = new MindboxClient($config);

        $wait(3.0);
        $holder = (int) explode(':', (string) $observer->outboxStats()['deliverer'])[1];
        $workers = array_merge(...array_map(static fn (FpmPool $node) => $node->workerPids(), $this->nodes));
        self::assertContains($holder, $workers, 'a worker of one of the nodes delivers');
        posix_kill($holder, SIGKILL);
        $wait(3.0);
        self::restartDatabase();
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
                self::assertIsArray($answer, "a node answered: $line");
                [$register, $cart, $order] = $answer['ids'];
                $sent[] = ['key' => "u{$answer['k']}", 'tx' => $register];
                $sent[] = ['key' => "u{$answer['k']}", 'tx' => $cart];
                $sent[] = ['key' => "o{$answer['k']}", 'tx' => $order];
            }
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

        // Every key's events in the order the shop sent them, whichever node sent them.
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

        // Both nodes together under the limit: in any 2 s, at most the limit's share and the one in hand.
        $perOperation = [];
        foreach ($processed as $entry) {
            $perOperation[$entry['operation']][] = (float) $entry['receivedAt'];
        }
        $allowed = 2 * self::RATE_LIMIT / 60 + 1;
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
        fwrite(STDERR, sprintf("\n[cluster] sent %d events from 2 nodes, %d keys from both, busiest 2 s of one operation %d (allowed %d)\n", count($sent), $shared, $busiest, $allowed));
    }
}
