<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxClient;
use MindboxTests\Support\EmulatorTestCase;

/**
 * The durable outbox against the emulator: nothing waits on Mindbox, nothing is lost, retries
 * keep their transactionId, and one order's events keep their order.
 */
final class OutboxTest extends EmulatorTestCase
{
    private const GUID_V4 = '~^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$~';

    /**
     * Retries come quickly in tests; production waits seconds.
     *
     * @param array<string, mixed> $config
     */
    private function outboxClient(array $config = []): MindboxClient
    {
        return $this->client($config + ['timeout' => 1.0, 'retryDelay' => 0.05, 'retryMaxDelay' => 0.3, 'lease' => 3.0]);
    }

    /** Flushes until nothing is pending, for at most $seconds. @return array<string, int> */
    private static function drain(MindboxClient $client, float $seconds = 60.0): array
    {
        $deadline = microtime(true) + $seconds;
        do {
            $result = $client->flush(2.0);
            if ($result['pending'] === 0) {
                return $result;
            }
            usleep(50_000);
        } while (microtime(true) < $deadline);
        self::fail('still pending after ' . $seconds . ' s: ' . json_encode($client->outboxStats()));
    }

    /** @return array<string, list<array<string, mixed>>> journal entries by transactionId */
    private static function byTransaction(array $journal): array
    {
        $grouped = [];
        foreach ($journal as $entry) {
            $grouped[(string) $entry['transactionId']][] = $entry;
        }
        return $grouped;
    }

    public function testSendsReturnAtOnceWhileMindboxIsDownAndAllArriveWhenItIsBack(): void
    {
        $client = $this->outboxClient();
        self::emulator()->stop();
        $sent = [];
        $slowest = 0.0;
        for ($i = 0; $i < 500; $i++) {
            $started = microtime(true);
            $sent[] = $i % 5 === 0
                ? $client->createOrder(['order' => ['ids' => ['websiteID' => "o-$i"], 'lines' => [['product' => ['ids' => ['websiteID' => 'SKU']], 'quantity' => 1, 'basePricePerItem' => 10]]]])
                : $client->setCart(['customer' => ['ids' => ['websiteID' => "c-$i"]], 'productList' => []]);
            $slowest = max($slowest, microtime(true) - $started);
        }
        // Not a speed check: a send that touched the network would wait for the 1 s timeout.
        self::assertLessThan(0.5, $slowest, 'a send waited on the network');
        self::assertSame(500, $client->outboxStats()['pending']);
        foreach ($sent as $transactionId) {
            self::assertMatchesRegularExpression(self::GUID_V4, $transactionId);
        }

        self::emulator()->restart();
        self::drain($client);

        $processed = self::emulator()->journal(['outcome' => 'processed']);
        self::assertCount(500, $processed);
        $ids = array_column($processed, 'transactionId');
        self::assertCount(500, array_unique($ids));
        self::assertEqualsCanonicalizing($sent, $ids);
        self::assertSame(0, $client->outboxStats()['pending']);
    }

    public function testEveryItemArrivesThrough30PercentFailuresWithItsOriginalTransactionId(): void
    {
        self::emulator()->faults(['seed' => 7, 'rules' => [
            ['kind' => 'status', 'status' => 500, 'probability' => 0.10],
            ['kind' => 'status', 'status' => 503, 'probability' => 0.11],
            ['kind' => 'reset', 'probability' => 0.09],
            ['kind' => 'hang', 'probability' => 0.03],
        ]]);
        $client = $this->outboxClient(['timeout' => 0.5, 'lease' => 2.0]);
        $bodies = [];
        for ($i = 0; $i < 200; $i++) {
            $body = ['customer' => ['ids' => ['websiteID' => "c-$i"], 'customFields' => ['n' => $i]]];
            $bodies[$client->registerCustomer($body)] = $body;
        }
        self::drain($client, 120.0);

        $journal = self::emulator()->journal();
        $byTransaction = self::byTransaction($journal);
        self::assertEqualsCanonicalizing(array_keys($bodies), array_keys($byTransaction), 'no request without one of our transactionIds');
        $retried = 0;
        foreach ($byTransaction as $transactionId => $entries) {
            $outcomes = array_column($entries, 'outcome');
            self::assertSame(1, count(array_keys($outcomes, 'processed', true)), "$transactionId processed once");
            foreach ($entries as $entry) {
                self::assertSame($bodies[$transactionId], $entry['body'], 'every attempt carries the same body');
            }
            $retried += count($entries) > 1 ? 1 : 0;
        }
        self::assertGreaterThan(20, $retried, 'the faults did hit');
        self::assertSame(0, $client->outboxStats()['failed']);
    }

    public function testRefusedItemsAreParkedOnceWithTheirReasonAndCanBeRetried(): void
    {
        self::emulator()->faults(['rules' => [
            ['operation' => 'Website.Refused', 'kind' => 'status', 'status' => 400],
            ['operation' => 'Website.Invalid', 'kind' => 'validation', 'messages' => [['message' => 'Invalid email', 'location' => '/customer/email']]],
        ]]);
        $client = $this->outboxClient();
        $refused = $client->send('Website.Refused', ['customer' => ['ids' => ['websiteID' => '1']]]);
        $invalid = $client->send('Website.Invalid', ['customer' => ['ids' => ['websiteID' => '2'], 'email' => 'nope']]);
        self::drain($client);

        $failed = $client->failedItems();
        self::assertCount(2, $failed);
        $firstPage = $client->failedItems(1);
        self::assertSame([$failed[0]], $firstPage, 'oldest first, a page at a time');
        self::assertSame([$failed[1]], $client->failedItems(1, $firstPage[0]['id']));
        self::assertSame([], $client->failedItems(1, $failed[1]['id']));
        $byOperation = array_column($failed, null, 'operation');
        $protocol = $byOperation['Website.Refused'];
        self::assertSame($refused, $protocol['transactionId']);
        self::assertSame(1, $protocol['attempts']);
        self::assertSame(400, $protocol['httpStatus']);
        self::assertSame('ProtocolError', $protocol['status']);
        self::assertNotNull($protocol['errorId']);
        self::assertStringContainsString('HTTP 400', $protocol['message']);
        $validation = $byOperation['Website.Invalid'];
        self::assertSame($invalid, $validation['transactionId']);
        self::assertSame('ValidationError', $validation['status']);
        self::assertStringContainsString('Invalid email (at /customer/email)', $validation['message']);
        self::assertCount(1, self::emulator()->journal(['operation' => 'Website.Refused']), 'sent once, not retried');
        self::assertCount(1, self::emulator()->journal(['operation' => 'Website.Invalid']));
        self::assertSame(['pending' => 0, 'failed' => 2], array_intersect_key($client->outboxStats(), ['pending' => 0, 'failed' => 0]));
        self::assertNotNull($client->outboxStats()['lastError']);

        self::emulator()->clearFaults();
        self::assertSame(1, $client->retryFailed([$protocol['id']]));
        self::assertSame(1, $client->retryFailed());
        self::assertSame(0, $client->retryFailed());
        self::drain($client);
        self::assertSame([], $client->failedItems());
        $processed = array_column(self::emulator()->journal(['outcome' => 'processed']), 'transactionId');
        self::assertEqualsCanonicalizing([$refused, $invalid], $processed, 'retried with the same transactionIds');
    }

    public function testA429IsNotRetriedBeforeItsRetryAfter(): void
    {
        self::emulator()->faults(['rules' => [['kind' => 'status', 'status' => 429, 'retryAfter' => 2, 'times' => 1]]]);
        $client = $this->outboxClient();
        $transactionId = $client->setCart(['customer' => ['ids' => ['websiteID' => '1']], 'productList' => []]);
        self::drain($client);
        $attempts = self::emulator()->journal();
        self::assertCount(2, $attempts);
        self::assertSame([429, 200], array_column($attempts, 'httpStatus'));
        self::assertSame([$transactionId, $transactionId], array_column($attempts, 'transactionId'));
        self::assertGreaterThanOrEqual(2.0, $attempts[1]['receivedAt'] - $attempts[0]['receivedAt']);
    }

    public function testAFailureIsNoOutageTheOthersGoOnWhileItsItemKeepsItsBackoff(): void
    {
        self::emulator()->faults(['rules' => [['kind' => 'status', 'status' => 503, 'times' => 1]]]);
        $client = $this->outboxClient(['retryDelay' => 5.0, 'retryMaxDelay' => 5.0]);
        for ($i = 0; $i < 20; $i++) {
            $client->setCart(['customer' => ['ids' => ['websiteID' => "c-$i"]], 'productList' => []]);
        }
        self::drain($client, 30.0);

        $journal = self::emulator()->journal();
        $failures = array_values(array_filter($journal, static fn (array $e) => $e['httpStatus'] === 503));
        self::assertCount(1, $failures);
        $failed = $failures[0];
        $processed = array_filter($journal, static fn (array $e) => $e['outcome'] === 'processed');
        self::assertCount(20, $processed);
        foreach ($processed as $entry) {
            if ($entry['transactionId'] === $failed['transactionId']) {
                self::assertGreaterThan($failed['receivedAt'] + 3.0, $entry['receivedAt'], 'the failed item waits for its own retry (5 s, jittered)');
            } else {
                // Far inside the 5 s a hold of all delivery would have lasted.
                self::assertLessThan($failed['receivedAt'] + 2.5, $entry['receivedAt'], 'the others went on at once');
            }
        }
    }

    public function testEachOrdersCreateAndUpdatesArriveInOrderThroughFailures(): void
    {
        self::emulator()->faults(['seed' => 11, 'rules' => [
            ['kind' => 'status', 'status' => 503, 'probability' => 0.15],
            ['kind' => 'reset', 'probability' => 0.18],
        ]]);
        $client = $this->outboxClient(['timeout' => 0.5, 'lease' => 2.0]);
        for ($order = 0; $order < 50; $order++) {
            $ids = ['websiteID' => "order-$order"];
            $client->createOrder(['order' => ['ids' => $ids, 'customFields' => ['step' => 1], 'lines' => []]]);
            $client->updateOrder(['order' => ['ids' => $ids, 'customFields' => ['step' => 2]]]);
            $client->updateOrder(['order' => ['ids' => $ids, 'customFields' => ['step' => 3]]]);
        }
        self::drain($client, 120.0);

        $steps = [];
        foreach (self::emulator()->journal(['outcome' => 'processed']) as $entry) {
            self::assertSame('sync', $entry['endpoint'], 'order operations go to the sync endpoint');
            $steps[$entry['body']['order']['ids']['websiteID']][] = [$entry['operation'], $entry['body']['order']['customFields']['step']];
        }
        self::assertCount(50, $steps);
        foreach ($steps as $order => $sequence) {
            self::assertSame(
                [['Website.CreateOrder', 1], ['Website.UpdateOrder', 2], ['Website.UpdateOrder', 3]],
                $sequence,
                "order $order",
            );
        }
        self::assertGreaterThan(0, self::emulator()->stats()['faults']);
    }

    public function testABacklogIsPacedUnderTheRateLimit(): void
    {
        self::emulator()->faults(['latencyMs' => 50]);
        $client = $this->outboxClient(['rateLimit' => 600]);
        for ($i = 0; $i < 300; $i++) {
            $client->setCart(['customer' => ['ids' => ['websiteID' => "c-$i"]], 'productList' => []]);
        }
        self::drain($client, 90.0);

        $times = array_column(self::emulator()->journal(), 'receivedAt');
        self::assertCount(300, $times, 'each sent once, none refused');
        sort($times);
        // 600 a minute is one every 100 ms: no 10-second window may hold more than 10 % over 100.
        for ($first = 0, $last = 0; $last < count($times); $last++) {
            while ($times[$last] - $times[$first] >= 10.0) {
                $first++;
            }
            self::assertLessThanOrEqual(110, $last - $first + 1, 'requests within 10 s');
        }
        $rate = (count($times) - 1) / ($times[count($times) - 1] - $times[0]);
        self::assertLessThanOrEqual(11.0, $rate);
        // Loose on purpose: a busy CI machine may be slower, never faster.
        self::assertGreaterThan(5.0, $rate);
    }

    public function testItemsOfAKilledProcessAreDeliveredByAnotherAfterTheLease(): void
    {
        // Every answer takes 1.5 s, so the child is in the middle of delivering when it dies.
        self::emulator()->faults(['latencyMs' => 1500]);
        $outbox = $this->tempPath('shared-outbox.sqlite');
        $config = [
            'endpointId' => self::emulator()->endpointId(),
            'secretKey' => self::emulator()->secretKey(),
            'baseUrl' => self::emulator()->baseUrl(),
            'outbox' => $outbox,
            'timeout' => 2.0,
            'lease' => 3.0,
            'retryDelay' => 0.05,
        ];
        $script = $this->tempPath('child.php');
        file_put_contents($script, '<?php $c = new MindboxClient(' . var_export($config, true) . ');'
            . 'for ($i = 0; $i < 20; $i++) { echo $c->setCart(["customer" => ["ids" => ["websiteID" => "k$i"]], "productList" => []]), "\n"; }'
            . 'fclose(STDOUT); $c->flush(60.0);');
        $child = proc_open([PHP_BINARY, '-d', 'extension=' . self::extensionPath(), $script], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $sent = array_values(array_filter(explode("\n", (string) stream_get_contents($pipes[1]))));
        self::assertCount(20, $sent);
        $deadline = microtime(true) + 10;
        while (self::emulator()->stats()['connectionsOpen'] === 0 && microtime(true) < $deadline) {
            usleep(20_000);
        }
        usleep(300_000);
        proc_terminate($child, 9);
        proc_close($child);

        self::emulator()->faults(['latencyMs' => 0]);
        $survivor = new MindboxClient($config);
        self::assertGreaterThan(0, $survivor->outboxStats()['pending'], 'the child died with items in hand');
        self::drain($survivor, 30.0);

        $processed = array_column(self::emulator()->journal(['outcome' => 'processed']), 'transactionId');
        self::assertEqualsCanonicalizing($sent, array_values(array_unique($processed)), 'none lost');
        self::assertCount(20, $processed, 'none processed twice');
    }

    public function testBadSendArgumentsAreRefusedBeforeTheOutbox(): void
    {
        $client = $this->outboxClient();
        foreach ([
            fn () => $client->send('Website Bad', ['a' => 1]),
            fn () => $client->setCart(['x' => NAN]),
            fn () => $client->send('Website.X', ['a' => 1], ['transactionId' => 'nope']),
            fn () => $client->flush(-1.0),
            fn () => $client->failedItems(0),
            fn () => $client->failedItems(10, -1),
            fn () => $client->retryFailed(['x']),
        ] as $i => $bad) {
            try {
                $bad();
                self::fail("case $i: no exception");
            } catch (\MindboxInvalidArgumentException) {
            }
        }
        self::assertSame(0, $client->outboxStats()['pending']);
    }

    public function testACallersTransactionIdAndOrderingKeyAreKept(): void
    {
        $client = $this->outboxClient();
        $mine = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';
        self::assertSame($mine, $client->send('Website.Custom', ['customer' => ['ids' => ['websiteID' => '9']]], [
            'transactionId' => $mine, 'endpoint' => 'sync', 'deviceUUID' => 'dev-1', 'customerIp' => '198.51.100.4', 'orderingKey' => 'k',
        ]));
        self::drain($client);
        [$entry] = self::emulator()->journal();
        self::assertSame($mine, $entry['transactionId']);
        self::assertSame('sync', $entry['endpoint']);
        self::assertSame('dev-1', $entry['query']['deviceUUID']);
        self::assertSame('198.51.100.4', $entry['headers']['x-customer-ip']);
    }

    public function testHelpersUseTheConfiguredOperationNames(): void
    {
        $client = $this->outboxClient(['operations' => ['registerCustomer' => 'Shop.SignUp']]);
        $client->registerCustomer(['customer' => ['ids' => ['websiteID' => '1']]]);
        $client->subscribeEmail(['customer' => ['email' => 'a@b.ru']]);
        $client->updateCustomer(['customer' => ['ids' => ['websiteID' => '1']]]);
        self::drain($client);
        $operations = array_column(self::emulator()->journal(), 'operation', 'operation');
        ksort($operations);
        self::assertSame(['Shop.SignUp', 'Website.SubscribeEmail', 'Website.UpdateProfile'], array_values($operations));
    }

    public function testTheBackgroundThreadDeliversWithoutFlush(): void
    {
        $client = $this->outboxClient();
        $transactionId = $client->setCart(['customer' => ['ids' => ['websiteID' => '1']], 'productList' => []]);
        $deadline = microtime(true) + 10;
        while (self::emulator()->journal() === [] && microtime(true) < $deadline) {
            usleep(20_000);
        }
        self::assertSame($transactionId, self::emulator()->journal()[0]['transactionId'] ?? null);
    }

    public function testWithExternalDeliveryAProcessOnlyWritesAndFlushSaysSo(): void
    {
        $outbox = $this->tempPath('outbox.sqlite');
        $script = sprintf(
            '$c = new MindboxClient(%s); $c->setCart(["productList" => []], ["deviceUUID" => "d-1"]); echo json_encode($c->flush(5.0));',
            var_export(['endpointId' => self::emulator()->endpointId(), 'secretKey' => self::emulator()->secretKey(), 'baseUrl' => self::emulator()->baseUrl(), 'outbox' => $outbox], true)
        );
        $run = static fn (string $delivery) => shell_exec(sprintf(
            '%s -d extension=%s -d mindbox.delivery=%s -r %s 2>&1',
            escapeshellarg(PHP_BINARY),
            escapeshellarg(self::extensionPath()),
            escapeshellarg($delivery),
            escapeshellarg($script)
        ));
        $started = microtime(true);
        $flush = json_decode((string) $run('external'), true);
        self::assertLessThan(2.0, microtime(true) - $started);
        self::assertSame(['sent' => 0, 'retrying' => 0, 'failed' => 0, 'pending' => 1, 'reason' => 'external'], $flush);
        self::assertSame([], self::emulator()->journal(), 'nothing was delivered by the process');
        self::assertStringContainsString('ini.mindbox.delivery: must be inline or external', (string) $run('sometimes'));
    }
}
