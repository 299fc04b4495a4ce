<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxClient;
use MindboxInvalidArgumentException;
use MindboxTests\Support\EmulatorTestCase;

/**
 * Points held by outbox items until Mindbox answers them, delayed items and their withdrawal,
 * against the emulator (and, with MINDBOX_TEST_OUTBOX=mysql, on the MySQL backend).
 */
final class HoldTest extends EmulatorTestCase
{
    /**
     * Retries come quickly in tests; production waits seconds.
     *
     * @param array<string, mixed> $config
     */
    private function outboxClient(array $config = []): MindboxClient
    {
        return $this->client($config + ['timeout' => 5.0, 'retryDelay' => 0.05, 'retryMaxDelay' => 0.3, 'lease' => 10.0]);
    }

    /** Flushes until nothing is pending, for at most $seconds. */
    private static function drain(MindboxClient $client, float $seconds = 30.0): void
    {
        $deadline = microtime(true) + $seconds;
        while ($client->flush(2.0)['pending'] !== 0) {
            if (microtime(true) > $deadline) {
                self::fail('still pending after ' . $seconds . ' s: ' . json_encode($client->outboxStats()));
            }
            usleep(50_000);
        }
    }

    /** @return array<string, mixed> */
    private static function order(string $id): array
    {
        return ['order' => ['ids' => ['websiteID' => $id], 'lines' => [['product' => ['ids' => ['websiteID' => 'SKU']], 'quantity' => 1, 'basePricePerItem' => 500]]]];
    }

    /** @return array{key: string, amount: float|int} */
    private static function hold(string $key, float|int $amount): array
    {
        return ['key' => $key, 'amount' => $amount];
    }

    public function testPointsAreHeldUntilMindboxAnswersTheItem(): void
    {
        $client = $this->outboxClient();
        self::emulator()->stop();
        $first = $client->createOrder(self::order('o-1'), ['hold' => self::hold('customer:1@s1', 150)]);
        $client->createOrder(self::order('o-2'), ['hold' => self::hold('customer:1@s1', 49.99)]);
        $client->createOrder(self::order('o-3'), ['hold' => self::hold('customer:2@s1', 10.005)]);
        $client->setCart(['customer' => ['ids' => ['websiteID' => '1']], 'productList' => []]);
        $client->flush(0.5);

        self::assertSame(199.99, $client->heldPoints('customer:1@s1'), 'pending and retrying');
        self::assertSame(10.01, $client->heldPoints('customer:2@s1'), 'rounded to kopecks');
        self::assertSame(0.0, $client->heldPoints('customer:3@s1'));
        // Another endpoint of the same outbox holds its own.
        $otherSite = $this->outboxClient(['endpointId' => 'other-site']);
        self::assertSame(0.0, $otherSite->heldPoints('customer:1@s1'));

        self::emulator()->restart();
        self::drain($client);
        self::assertSame(0.0, $client->heldPoints('customer:1@s1'), 'delivered');
        self::assertSame(0.0, $client->heldPoints('customer:2@s1'));

        // Sent again with the same transactionId: Mindbox answers TransactionAlreadyProcessed, which ends the hold too.
        $client->createOrder(self::order('o-1'), ['transactionId' => $first, 'hold' => self::hold('customer:1@s1', 150)]);
        self::drain($client);
        self::assertSame(0.0, $client->heldPoints('customer:1@s1'));
        self::assertCount(1, self::emulator()->journal(['outcome' => 'duplicate']));
    }

    public function testAParkedItemHoldsNothingUntilItIsRetried(): void
    {
        self::emulator()->faults(['rules' => [['operation' => 'Website.CreateOrder', 'kind' => 'status', 'status' => 400]]]);
        $client = $this->outboxClient();
        $client->createOrder(self::order('o-1'), ['hold' => self::hold('customer:1@s1', 300)]);
        self::drain($client);
        self::assertCount(1, $client->failedItems());
        self::assertSame(0.0, $client->heldPoints('customer:1@s1'), 'parked');

        self::emulator()->stop();
        self::assertSame(1, $client->retryFailed());
        self::assertSame(300.0, $client->heldPoints('customer:1@s1'), 'sent again, so held again');

        self::emulator()->restart();
        self::emulator()->clearFaults();
        self::drain($client);
        self::assertSame(0.0, $client->heldPoints('customer:1@s1'));
        self::assertCount(1, self::emulator()->journal(['outcome' => 'processed']));
    }

    public function testHoldsOfAnotherProcessAreCountedAndItsItemsCanBeWithdrawn(): void
    {
        $config = [
            'endpointId' => self::emulator()->endpointId(),
            'secretKey' => self::emulator()->secretKey(),
            'baseUrl' => self::emulator()->baseUrl(),
            'outbox' => $this->outbox(),
        ];
        $code = sprintf(
            'echo (new MindboxClient(%s))->createOrder(%s, ["delay" => 600, "hold" => ["key" => "customer:1@s1", "amount" => 75.5]]);',
            var_export($config, true),
            var_export(self::order('o-1'), true)
        );
        $process = proc_open([PHP_BINARY, '-d', 'extension=' . self::extensionPath(), '-r', $code], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $transactionId = (string) stream_get_contents($pipes[1]);
        $errors = (string) stream_get_contents($pipes[2]);
        self::assertSame(0, proc_close($process), $errors);

        $client = $this->outboxClient();
        self::assertSame(75.5, $client->heldPoints('customer:1@s1'));
        self::assertTrue($client->withdraw($transactionId));
        self::assertSame(0.0, $client->heldPoints('customer:1@s1'));
        self::assertSame(0, $client->outboxStats()['pending']);
    }

    public function testADelayedItemWaitsForItsTimeAndFlushDoesNotWaitForIt(): void
    {
        $client = $this->outboxClient();
        $cancel = $client->updateOrder(self::order('tmp-1'), ['delay' => 1.5, 'orderingKey' => 'order:tmp-1']);
        $after = $client->updateOrder(self::order('tmp-1'), ['orderingKey' => 'order:tmp-1']);
        $other = $client->setCart(['customer' => ['ids' => ['websiteID' => '1']], 'productList' => []]);

        $started = microtime(true);
        $result = $client->flush(10.0);
        self::assertLessThan(1.0, microtime(true) - $started, 'flush waited for the delay');
        self::assertSame(['sent' => 1, 'pending' => 2, 'reason' => 'idle'], array_intersect_key($result, ['sent' => 0, 'pending' => 0, 'reason' => 0]));
        self::assertSame([$other], array_column(self::emulator()->journal(), 'transactionId'), 'the delayed item and the one behind it wait');
        $stats = $client->outboxStats();
        self::assertSame(2, $stats['pending']);
        self::assertLessThan(0.5, $stats['oldestPendingAge'], 'a delay is not a backlog');

        usleep(1_600_000);
        self::drain($client);
        $journal = array_column(self::emulator()->journal(), 'transactionId');
        self::assertSame([$other, $cancel, $after], $journal);
        $delivered = self::emulator()->journal(['operation' => 'Website.UpdateOrder']);
        self::assertGreaterThanOrEqual($started + 1.4, (float) $delivered[0]['receivedAt'], 'not before its time');
    }

    public function testOnlyItemsNotYetAnsweredAndNotInFlightAreWithdrawn(): void
    {
        $client = $this->outboxClient();
        // The module's case: a cancellation queued for later, taken back once the order is saved.
        $cancel = $client->updateOrder(self::order('tmp-1'), ['delay' => 900]);
        $delivered = $client->setCart(['customer' => ['ids' => ['websiteID' => '1']], 'productList' => []]);
        self::assertSame(1, $client->flush(5.0)['pending']);
        self::assertTrue($client->withdraw($cancel), 'delayed');
        self::assertSame(0, $client->outboxStats()['pending']);
        self::assertFalse($client->withdraw($cancel), 'withdrawn already');
        self::assertFalse($client->withdraw($delivered), 'answered by Mindbox');
        self::assertFalse($client->withdraw('0f8fad5b-d9cb-469f-a165-70867728950e'), 'unknown');

        self::emulator()->faults(['rules' => [['operation' => 'Website.Refused', 'kind' => 'status', 'status' => 400]]]);
        $parked = $client->send('Website.Refused', ['customer' => ['ids' => ['websiteID' => '2']]]);
        self::drain($client);
        self::assertCount(1, $client->failedItems());
        self::assertTrue($client->withdraw($parked), 'parked');
        self::assertSame([], $client->failedItems());

        self::emulator()->faults(['latencyMs' => 2000]);
        $flying = $client->setCart(['customer' => ['ids' => ['websiteID' => '3']], 'productList' => []]);
        usleep(400_000);
        self::assertFalse($client->withdraw($flying), 'in flight');
        self::drain($client);
        self::assertSame([$delivered, $flying], array_column(self::emulator()->journal(['outcome' => 'processed']), 'transactionId'));
    }

    /** @return iterable<string, array{0: array<string, mixed>, 1: string}> */
    public static function badOptions(): iterable
    {
        yield 'hold not an array' => [['hold' => 'customer:1'], 'options.hold'];
        yield 'hold without a key' => [['hold' => ['amount' => 1]], 'options.hold.key'];
        yield 'empty key' => [['hold' => self::hold('', 1)], 'options.hold.key'];
        yield 'key too long' => [['hold' => self::hold(str_repeat('к', 257), 1)], 'options.hold.key'];
        yield 'key not a string' => [['hold' => ['key' => 42, 'amount' => 1]], 'options.hold.key'];
        yield 'hold without an amount' => [['hold' => ['key' => 'k']], 'options.hold.amount'];
        yield 'negative amount' => [['hold' => self::hold('k', -0.01)], 'options.hold.amount'];
        yield 'NaN amount' => [['hold' => self::hold('k', NAN)], 'options.hold.amount'];
        yield 'infinite amount' => [['hold' => self::hold('k', INF)], 'options.hold.amount'];
        yield 'amount as a string' => [['hold' => ['key' => 'k', 'amount' => '10']], 'options.hold.amount'];
        yield 'unknown hold field' => [['hold' => ['key' => 'k', 'amount' => 1, 'until' => 5]], 'options.hold.until'];
        yield 'negative delay' => [['delay' => -1], 'options.delay'];
        yield 'delay over a day' => [['delay' => 86_401], 'options.delay'];
        yield 'NaN delay' => [['delay' => NAN], 'options.delay'];
        yield 'delay as a string' => [['delay' => '60'], 'options.delay'];
    }

    /**
     * @dataProvider badOptions
     * @param array<string, mixed> $options
     */
    public function testBadHoldsAndDelaysAreRefusedWithTheirPath(array $options, string $path): void
    {
        $client = $this->outboxClient();
        try {
            $client->createOrder(self::order('o-1'), $options);
            self::fail('accepted');
        } catch (MindboxInvalidArgumentException $e) {
            self::assertSame($path, $e->getPath(), $e->getMessage());
        }
        self::assertSame(0, $client->outboxStats()['pending']);
    }

    public function testHoldsAndWithdrawalRefuseWhatTheyCannotUse(): void
    {
        $client = $this->outboxClient();
        foreach ([
            'options.hold' => fn () => $client->call('Website.Ping', [], ['hold' => self::hold('k', 1)]),
            'options.delay' => fn () => $client->call('Website.Ping', [], ['delay' => 5]),
            'key' => fn () => $client->heldPoints(''),
            'transactionId' => fn () => $client->withdraw('not-a-guid'),
        ] as $path => $bad) {
            try {
                $bad();
                self::fail("$path: accepted");
            } catch (MindboxInvalidArgumentException $e) {
                self::assertSame($path, $e->getPath(), $e->getMessage());
            }
        }
        self::assertSame(0.0, $client->heldPoints(str_repeat('к', 256)), '256 characters are a key');
        self::assertSame([], self::emulator()->journal());
    }
}
