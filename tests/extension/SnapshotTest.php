<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxClient;
use MindboxInvalidArgumentException;
use MindboxTests\Support\EmulatorTestCase;

/**
 * Snapshots of what Mindbox was last told of an order, kept in the outbox with the item that tells it, against the
 * emulator (and, with MINDBOX_TEST_OUTBOX=mysql, on the MySQL backend).
 */
final class SnapshotTest extends EmulatorTestCase
{
    /** Lines by basket id, as the module keeps them: integer keys, floats, empty lists and text survive as they are. */
    private const LINES = [
        'lines' => [
            123 => ['product' => 'SKU-1', 'quantity' => 2.5, 'price' => 150.0, 'status' => 'Paid', 'lineNumbers' => [1, 3]],
            7 => ['product' => 'Чай', 'quantity' => 1, 'price' => 99.99, 'status' => 'Cancelled', 'lineNumbers' => []],
        ],
        'delivery' => 300,
        'canceled' => false,
        'payments' => [],
    ];

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
        return ['order' => ['ids' => ['websiteID' => $id], 'lines' => [['product' => ['ids' => ['websiteID' => 'SKU-1']], 'quantity' => 1, 'basePricePerItem' => 500]]]];
    }

    /**
     * @param array<array-key, mixed> $value
     * @return array{key: string, value: array<array-key, mixed>}
     */
    private static function snapshot(string $key, array $value): array
    {
        return ['key' => $key, 'value' => $value];
    }

    public function testASnapshotIsStoredWithItsItemAndReadsDeliveredOnceMindboxHasIt(): void
    {
        $client = $this->outboxClient();
        self::emulator()->stop();
        $before = (int) floor(microtime(true) * 1000);
        $created = $client->createOrder(self::order('o-1'), ['snapshot' => self::snapshot('s1:order:1', self::LINES)]);
        $after = (int) ceil(microtime(true) * 1000);

        $saved = $client->snapshot('s1:order:1');
        self::assertNotNull($saved);
        self::assertSame(self::LINES, $saved['value']);
        self::assertSame(['savedAt', 'itemId', 'transactionId', 'delivery'], array_slice(array_keys($saved), 1));
        self::assertGreaterThanOrEqual($before, $saved['savedAt']);
        self::assertLessThanOrEqual($after, $saved['savedAt']);
        self::assertIsInt($saved['itemId']);
        self::assertSame([$created, 'pending'], [$saved['transactionId'], $saved['delivery']]);
        self::assertNull($client->snapshot('s1:order:2'));
        // Another endpoint of the same outbox keeps its own.
        self::assertNull($this->outboxClient(['endpointId' => 'other-site'])->snapshot('s1:order:1'));

        // The next save replaces it, with its own item; both items go, in order.
        $next = ['lines' => [], 'delivery' => 0, 'canceled' => true];
        $updated = $client->updateOrder(self::order('o-1'), ['snapshot' => self::snapshot('s1:order:1', $next)]);
        $replaced = $client->snapshot('s1:order:1');
        self::assertSame([$next, $updated, 'pending'], [$replaced['value'], $replaced['transactionId'], $replaced['delivery']]);
        self::assertGreaterThan($saved['itemId'], $replaced['itemId']);
        self::assertSame(2, $client->outboxStats()['pending']);

        self::emulator()->restart();
        self::drain($client);
        $delivered = $client->snapshot('s1:order:1');
        self::assertSame([$next, $replaced['itemId'], $updated, 'delivered'], [$delivered['value'], $delivered['itemId'], $delivered['transactionId'], $delivered['delivery']]);
        self::assertSame(['Website.CreateOrder', 'Website.UpdateOrder'], array_column(self::emulator()->journal(), 'operation'));
    }

    public function testTheSnapshotOfAParkedItemReadsFailedUntilTheItemIsRetried(): void
    {
        self::emulator()->faults(['rules' => [['operation' => 'Website.UpdateOrder', 'kind' => 'status', 'status' => 400]]]);
        $client = $this->outboxClient();
        $transactionId = $client->send('Website.UpdateOrder', self::order('o-1'), ['snapshot' => self::snapshot('s1:order:1', self::LINES)]);
        self::drain($client);
        $failed = $client->failedItems();
        self::assertCount(1, $failed);
        $saved = $client->snapshot('s1:order:1');
        self::assertSame([$failed[0]['id'], $transactionId, 'failed'], [$saved['itemId'], $saved['transactionId'], $saved['delivery']]);

        self::emulator()->stop();
        self::assertSame(1, $client->retryFailed());
        self::assertSame('pending', $client->snapshot('s1:order:1')['delivery'], 'sent again');

        self::emulator()->restart();
        self::emulator()->clearFaults();
        self::drain($client);
        self::assertSame('delivered', $client->snapshot('s1:order:1')['delivery']);
    }

    public function testASnapshotSavedAloneHasNoItemAndCanBeForgotten(): void
    {
        $client = $this->outboxClient();
        $client->saveSnapshot('s1:order:1', self::LINES);
        $saved = $client->snapshot('s1:order:1');
        self::assertSame([self::LINES, null, null, 'delivered'], [$saved['value'], $saved['itemId'], $saved['transactionId'], $saved['delivery']]);
        self::assertSame(0, $client->outboxStats()['pending'], 'nothing to send');
        $client->saveSnapshot('s1:order:1', []);
        self::assertSame([], $client->snapshot('s1:order:1')['value']);

        $client->forgetSnapshot('s1:order:1');
        self::assertNull($client->snapshot('s1:order:1'));
        $client->forgetSnapshot('s1:order:1');
        self::assertNull($client->snapshot('s1:order:1'));
    }

    public function testABadSnapshotIsRefusedNamingItAndNothingIsStored(): void
    {
        $client = $this->outboxClient();
        $client->saveSnapshot('s1:order:1', ['kept' => true]);
        $refused = [
            'options.snapshot' => ['snapshot' => 's1:order:1'],
            'options.snapshot.key' => ['snapshot' => ['value' => []]],
            'options.snapshot.value' => ['snapshot' => ['key' => 's1:order:1']],
            'options.snapshot.at' => ['snapshot' => ['key' => 's1:order:1', 'value' => [], 'at' => 1]],
        ];
        foreach (['', 's1:order: 1', 's1:order:1 ', "s1:order:1\n", 'заказ:1', str_repeat('k', 201)] as $key) {
            $refused['options.snapshot.key ' . json_encode($key)] = ['snapshot' => self::snapshot($key, [])];
        }
        $refused['options.snapshot.value.text'] = ['snapshot' => self::snapshot('s1:order:1', ['text' => "\xff"])];
        $refused['options.snapshot.value huge'] = ['snapshot' => self::snapshot('s1:order:1', [str_repeat('x', 1 << 20)])];
        foreach ($refused as $path => $options) {
            self::assertSame(explode(' ', $path)[0], self::refusedPath(fn () => $client->updateOrder(self::order('o-1'), $options)), $path);
        }
        // A body that cannot be sent stores its snapshot no more than its item.
        $badBody = ['order' => ['ids' => ['websiteID' => 'o-1'], 'lines' => [['quantity' => 'many']]]];
        self::assertStringStartsWith('body.', self::refusedPath(fn () => $client->updateOrder($badBody, ['snapshot' => self::snapshot('s1:order:1', [])])));
        self::assertSame('options.snapshot', self::refusedPath(fn () => $client->call('Website.UpdateOrder', self::order('o-1'), ['snapshot' => self::snapshot('s1:order:1', [])])));
        self::assertSame(0, $client->outboxStats()['pending']);
        self::assertSame(['kept' => true], $client->snapshot('s1:order:1')['value']);

        self::assertSame('key', self::refusedPath(fn () => $client->snapshot('s1 order 1')));
        self::assertSame('key', self::refusedPath(fn () => $client->saveSnapshot('', [])));
        self::assertSame('key', self::refusedPath(fn () => $client->forgetSnapshot(str_repeat('k', 201))));
        self::assertSame('value.text', self::refusedPath(fn () => $client->saveSnapshot('s1:order:1', ['text' => "\xff"])));
        self::assertSame(['kept' => true], $client->snapshot('s1:order:1')['value']);
        self::assertSame([], self::emulator()->journal());
    }

    /** The path of the MindboxInvalidArgumentException that $call throws. */
    private static function refusedPath(callable $call): string
    {
        try {
            $call();
        } catch (MindboxInvalidArgumentException $e) {
            return $e->getPath();
        }
        self::fail('nothing was refused');
    }
}
