<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxClient;
use MindboxTests\Support\EmulatorTestCase;

/**
 * A key Mindbox refused (401) is probed again, one request at a time, less and less often, by whichever process
 * delivers; whatever answer takes it (a delivery or a call) ends the wait. The test-hooks build waits
 * MINDBOX_TEST_CREDENTIALS_PROBE_MS for the first probe instead of a minute, so the waits here are 1, 2, 4, 5, 5 s
 * where a shop's are 1, 2, 4, 5, 5 minutes.
 */
final class CredentialsProbeTest extends EmulatorTestCase
{
    private const FIRST_PROBE_MS = 1000;
    /** Seconds: the longest wait between probes is five first ones. */
    private const LONGEST_WAIT = 5.0;
    private const REFUSE = ['rules' => [['kind' => 'status', 'status' => 401]]];

    protected function setUp(): void
    {
        parent::setUp();
        if (!function_exists('mindbox_test_panic')) {
            self::markTestSkipped('needs the extension built with --features test-hooks: a release build waits a minute for a probe');
        }
        putenv('MINDBOX_TEST_CREDENTIALS_PROBE_MS=' . self::FIRST_PROBE_MS);
    }

    protected function tearDown(): void
    {
        putenv('MINDBOX_TEST_CREDENTIALS_PROBE_MS');
        parent::tearDown();
    }

    public function testARefusedKeyIsProbedOneRequestAtATimeAndEverythingGoesSoonAfterMindboxTakesItAgain(): void
    {
        $client = $this->client();
        self::emulator()->faults(self::REFUSE);
        $sent = self::sendCarts($client, 20);

        $flush = $client->flush(5.0);
        self::assertSame(['credentials', 0, 20], [$flush['reason'], $flush['sent'], $flush['pending']]);
        $stats = $client->outboxStats();
        self::assertTrue($stats['credentialsRefused']);
        self::assertEqualsWithDelta(time() + 1, $stats['credentialsProbeAt'], 1.5);

        self::flushFor($client, 13.0);
        $volleys = self::volleys();
        self::assertLessThanOrEqual(16, $volleys[0][1], 'the first refusal stops the rest');
        self::assertSame(array_fill(0, count($volleys) - 1, 1), array_column(array_slice($volleys, 1), 1), 'one request per probe');
        self::assertWaits([1, 2, 4, 5], $volleys);

        self::emulator()->clearFaults();
        $taken = microtime(true);
        self::drain($client);
        self::assertLessThan(self::LONGEST_WAIT + 2.0, microtime(true) - $taken);
        self::assertEqualsCanonicalizing($sent, array_column(self::emulator()->journal(['outcome' => 'processed']), 'transactionId'));
        $stats = $client->outboxStats();
        self::assertSame([false, null], [$stats['credentialsRefused'], $stats['credentialsProbeAt']]);
    }

    public function testANewProcessWithTheRefusedKeyKeepsToTheProbesAndDeliversSoonAfterMindboxTakesIt(): void
    {
        self::emulator()->faults(self::REFUSE);
        $sent = json_decode(self::php($this->config(), <<<'PHP'
            $sent = [];
            for ($i = 0; $i < 20; $i++) {
                $sent[] = $c->setCart(['customer' => ['ids' => ['websiteID' => "c$i"]], 'productList' => []]);
            }
            $c->flush(5.0);
            echo json_encode($sent);
            PHP), true);
        self::assertCount(20, $sent);
        $since = microtime(true);

        // It starts during the refusals, with the first process gone: it takes over its lease and its probes.
        $delivering = self::start($this->config(), <<<'PHP'
            $deadline = microtime(true) + 30;
            do {
                $flush = $c->flush(1.0);
                usleep(50_000);
            } while ($flush['pending'] > 0 && microtime(true) < $deadline);
            echo json_encode(['pending' => $flush['pending'], 'at' => microtime(true)]);
            PHP);
        usleep(7_000_000);
        self::emulator()->clearFaults();
        $taken = microtime(true);
        $done = json_decode(self::finish($delivering), true);

        self::assertSame(0, $done['pending']);
        self::assertLessThan(self::LONGEST_WAIT + 2.0, $done['at'] - $taken);
        $later = array_values(array_filter(self::volleys(), static fn (array $v) => $v[0] > $since));
        self::assertNotEmpty($later);
        self::assertSame(array_fill(0, count($later), 1), array_column($later, 1), 'one request per probe, none at the takeover');
        self::assertEqualsCanonicalizing($sent, array_column(self::emulator()->journal(['outcome' => 'processed']), 'transactionId'));
    }

    /** A synchronous call Mindbox answers ends the refusal at once, in its own process and in the others. */
    public function testACallThatMindboxAnswersEndsTheRefusalWithoutWaitingForTheProbe(): void
    {
        putenv('MINDBOX_TEST_CREDENTIALS_PROBE_MS=600000');
        $client = $this->client();
        foreach (['another process', 'this process'] as $caller) {
            self::emulator()->faults(self::REFUSE);
            self::sendCarts($client, 5);
            self::assertSame('credentials', $client->flush(5.0)['reason'], $caller);
            self::emulator()->clearFaults();

            $started = microtime(true);
            if ($caller === 'this process') {
                $client->call('Website.Ping', ['a' => 1]);
            } else {
                self::php($this->config(), '$c->call("Website.Ping", ["a" => 1]);');
            }
            self::assertFalse($client->outboxStats()['credentialsRefused'], $caller);
            self::drain($client);
            self::assertLessThan(5.0, microtime(true) - $started, $caller);
        }
        self::assertCount(10, self::emulator()->journal(['operation' => 'Website.SetCart', 'outcome' => 'processed']));
    }

    /** @return list<string> the transactionIds */
    private static function sendCarts(MindboxClient $client, int $count): array
    {
        $sent = [];
        for ($i = 0; $i < $count; $i++) {
            $sent[] = $client->setCart(['customer' => ['ids' => ['websiteID' => "c$i"]], 'productList' => []]);
        }
        return $sent;
    }

    /** Flushes now and then, as an agent would, for $seconds. */
    private static function flushFor(MindboxClient $client, float $seconds): void
    {
        $until = microtime(true) + $seconds;
        while (microtime(true) < $until) {
            $client->flush(1.0);
            usleep(100_000);
        }
    }

    private static function drain(MindboxClient $client): void
    {
        $deadline = microtime(true) + 30.0;
        while ($client->flush(1.0)['pending'] > 0) {
            self::assertLessThan($deadline, microtime(true), 'still pending: ' . json_encode($client->outboxStats()));
            usleep(50_000);
        }
    }

    /**
     * The refused requests, in volleys: those that went together (within half a second of the volley's first).
     *
     * @return list<array{0: float, 1: int}> each volley's time and size
     */
    private static function volleys(): array
    {
        $volleys = [];
        foreach (array_column(self::emulator()->journal(['outcome' => 'fault']), 'receivedAt') as $at) {
            $last = count($volleys) - 1;
            if ($last >= 0 && $at - $volleys[$last][0] < 0.5) {
                $volleys[$last][1]++;
            } else {
                $volleys[] = [(float) $at, 1];
            }
        }
        return $volleys;
    }

    /** @param list<int> $seconds the waits between the first volleys, in first waits */
    private static function assertWaits(array $seconds, array $volleys): void
    {
        self::assertGreaterThanOrEqual(count($seconds) + 1, count($volleys), json_encode($volleys));
        foreach ($seconds as $i => $wait) {
            $gap = $volleys[$i + 1][0] - $volleys[$i][0];
            $expected = $wait * self::FIRST_PROBE_MS / 1000;
            self::assertGreaterThan($expected - 0.2, $gap, "wait $i");
            self::assertLessThan($expected + 1.5, $gap, "wait $i");
        }
    }

    /** @return array<string, mixed> */
    private function config(): array
    {
        return [
            'endpointId' => self::emulator()->endpointId(),
            'secretKey' => self::emulator()->secretKey(),
            'baseUrl' => self::emulator()->baseUrl(),
            'outbox' => $this->outbox(),
            'timeout' => 2.0,
        ];
    }

    /** Runs $code with $c, a client of $config, in a PHP process of its own; its output. */
    private static function php(array $config, string $code): string
    {
        return self::finish(self::start($config, $code));
    }

    /** @return array{0: resource, 1: array<int, resource>} */
    private static function start(array $config, string $code): array
    {
        $process = proc_open(
            [PHP_BINARY, '-d', 'extension=' . self::extensionPath(), '-r', '$c = new MindboxClient(' . var_export($config, true) . '); ' . $code],
            [1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes,
            null,
            ['MINDBOX_TEST_CREDENTIALS_PROBE_MS' => (string) getenv('MINDBOX_TEST_CREDENTIALS_PROBE_MS')] + getenv()
        );
        return [$process, $pipes];
    }

    /** @param array{0: resource, 1: array<int, resource>} $started */
    private static function finish(array $started): string
    {
        [$process, $pipes] = $started;
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        self::assertSame(0, proc_close($process), $out . $err);
        return $out;
    }
}
