<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxTests\Support\EmulatorTestCase;

/**
 * The emulator itself, driven with plain curl: it needs no extension, so that a broken
 * extension cannot hide a broken emulator (or the other way round).
 *
 */
final class EmulatorTest extends EmulatorTestCase
{
    private const TX = '0f8fad5b-d9cb-469f-a165-70867728950e';

    public function testAProcessedCallIsJournaledWithTheSecretMasked(): void
    {
        $e = self::$emulator;
        $body = '{"customer":{"email":"a@b.ru","firstName":"Иван"},"n":123456789012345678901234567890}';
        $answer = $this->post($e->operationUrl('Website.CreateOrder', ['transactionId' => self::TX, 'deviceUUID' => 'dev-1']), $body);

        self::assertSame(200, $answer['status']);
        self::assertSame(['status' => 'Success'], $answer['body']);
        self::assertStringStartsWith('application/json', $answer['headers']['content-type']);

        $journal = $e->journal();
        self::assertCount(1, $journal);
        $entry = $journal[0];
        self::assertSame(1, $entry['seq']);
        self::assertSame('sync', $entry['endpoint']);
        self::assertSame('Website.CreateOrder', $entry['operation']);
        self::assertSame($e->endpointId(), $entry['endpointId']);
        self::assertSame(self::TX, $entry['transactionId']);
        self::assertSame('dev-1', $entry['deviceUUID']);
        self::assertSame('SecretKey ***', $entry['headers']['authorization']);
        self::assertSame('Иван', $entry['body']['customer']['firstName']);
        self::assertSame('123456789012345678901234567890', $entry['body']['n']);
        self::assertSame('processed', $entry['outcome']);
        self::assertTrue($entry['authOk']);
        self::assertArrayNotHasKey('rawBody', $entry);
        self::assertStringNotContainsString($e->secretKey(), json_encode($journal, JSON_THROW_ON_ERROR));
    }

    public function testProtocolErrors(): void
    {
        $e = self::$emulator;
        $url = $e->operationUrl('Website.X');
        $cases = [
            'no key' => [401, $url, '{}', []],
            'wrong key' => [403, $url, '{}', ['Authorization: SecretKey wrong']],
            'legacy scheme, wrong key' => [403, $url, '{}', ['Authorization: Mindbox secretKey="wrong"']],
            'unknown endpoint' => [400, str_replace('endpointId=' . $e->endpointId(), 'endpointId=nope', $url), '{}', null],
            'no operation' => [400, $e->baseUrl() . '/v3/operations/sync?endpointId=' . $e->endpointId(), '{}', null],
            'bad transactionId' => [400, $e->operationUrl('Website.X', ['transactionId' => 'not-a-guid']), '{}', null],
            'not JSON' => [400, $url, '{"a":', null],
            'not an object' => [400, $url, '[1]', null],
        ];
        foreach ($cases as $name => [$status, $caseUrl, $body, $headers]) {
            $answer = $this->post($caseUrl, $body, $headers);
            self::assertSame($status, $answer['status'], $name);
            self::assertSame('ProtocolError', $answer['body']['status'], $name);
            self::assertSame($status, $answer['body']['httpStatusCode'], $name);
            self::assertMatchesRegularExpression('/^[0-9a-f-]{36}$/', $answer['body']['errorId'], $name);
        }
        $legacy = $this->post($url, '{}', ['Authorization: Mindbox secretKey="' . $e->secretKey() . '"']);
        self::assertSame('Success', $legacy['body']['status']);

        $journal = $e->journal();
        self::assertCount(count($cases) + 1, $journal);
        self::assertSame(['rejected'], array_values(array_unique(array_column(array_slice($journal, 0, -1), 'outcome'))));
        self::assertFalse($journal[0]['authOk']);
        self::assertSame('Mindbox secretKey="***"', $journal[2]['headers']['authorization']);
        self::assertSame('{"a":', $journal[6]['rawBody']);
        self::assertSame(404, $this->post($e->baseUrl() . '/v3/operations/nope', '{}')['status']);
    }

    public function testARepeatedTransactionIsAlreadyProcessed(): void
    {
        $url = self::$emulator->operationUrl('Website.CreateOrder', ['transactionId' => self::TX], 'async');
        self::assertSame('Success', $this->post($url, '{"order":{}}')['body']['status']);
        self::assertSame('TransactionAlreadyProcessed', $this->post($url, '{"order":{}}')['body']['status']);
        self::assertSame(
            ['processed', 'duplicate'],
            array_column(self::$emulator->journal(), 'outcome'),
        );
        $stats = self::$emulator->stats();
        self::assertSame([1, 1], [$stats['processed'], $stats['duplicates']]);
    }

    public function testAnInjected429CarriesRetryAfterAndDoesNotConsumeTheTransaction(): void
    {
        $e = self::$emulator;
        $e->faults(['rules' => [['kind' => 'status', 'status' => 429, 'retryAfter' => 2, 'times' => 1]]]);
        $url = $e->operationUrl('Website.CreateOrder', ['transactionId' => self::TX]);

        $limited = $this->post($url, '{}');
        self::assertSame(429, $limited['status']);
        self::assertSame('2', $limited['headers']['retry-after']);
        self::assertSame('ProtocolError', $limited['body']['status']);

        self::assertSame('Success', $this->post($url, '{}')['body']['status']);
        self::assertSame(['fault', 'processed'], array_column($e->journal(), 'outcome'));
        self::assertSame('status', $e->journal(['outcome' => 'fault'])[0]['fault']);
    }

    public function testScriptedAnswer(): void
    {
        $e = self::$emulator;
        $e->script('Website.GetCustomerBalance', ['status' => 'Success', 'balances' => []]);
        $answer = $this->post($e->operationUrl('Website.GetCustomerBalance'), '{}');
        self::assertSame(['status' => 'Success', 'balances' => []], $answer['body']);
        $e->reset();
        $answer = $this->post($e->operationUrl('Website.GetCustomerBalance'), '{}');
        self::assertEqualsWithDelta(100.0, $answer['body']['balances'][0]['available'], 0.001);
    }

    public function testTheLedgerBooksAnOrderLinksItsIdAndCancelsIt(): void
    {
        $e = self::$emulator;
        $e->loyalty(['balances' => ['websiteID:42' => 500.0], 'promoCodes' => [['code' => 'ONCE', 'amount' => 100, 'once' => true]]]);
        $line = ['lineId' => '1', 'product' => ['ids' => ['website' => 'SKU-1']], 'quantity' => 1, 'basePricePerItem' => 1000];
        $confirmed = $this->post($e->operationUrl('Website.CreateAuthorizedOrder'), json_encode([
            'customer' => ['ids' => ['websiteID' => '42']],
            'order' => ['ids' => ['websiteTempID' => 't-1'], 'totalPrice' => 800, 'lines' => [$line],
                'coupons' => [['ids' => ['code' => 'ONCE']]], 'bonusPoints' => [['amount' => 100]]],
        ]));
        self::assertSame('Processed', $confirmed['body']['order']['processingStatus']);
        $this->post($e->operationUrl('Website.UpdateOrder'), '{"order":{"ids":{"websiteTempID":"t-1","websiteID":"5"}}}');

        $order = ['mindboxId' => 1, 'kind' => 'processed', 'status' => 'active', 'ids' => ['websiteID' => '5', 'websiteTempID' => 't-1'],
            'customer' => 'websiteID:42', 'totalPrice' => 800.0, 'spentPoints' => 100.0, 'earnedPoints' => 0.0, 'promoCodes' => ['ONCE']];
        self::assertSame(['orders' => [$order], 'balances' => ['websiteID:42' => 400.0]], $e->ledger());

        $this->post($e->operationUrl('Website.UpdateOrder'), '{"orderLinesStatus":"Cancelled","order":{"ids":{"websiteID":"5"}}}');
        $order['status'] = 'cancelled';
        self::assertSame(['orders' => [$order], 'balances' => ['websiteID:42' => 500.0]], $e->ledger());
        $e->reset();
        self::assertSame(['orders' => [], 'balances' => []], $e->ledger());
    }

    public function testTheConnectionCounter(): void
    {
        $e = self::$emulator;
        $shared = curl_init();
        for ($i = 0; $i < 5; $i++) {
            self::assertSame(200, $this->post($e->operationUrl('Website.Ping'), '{}', null, $shared)['status']);
        }
        unset($shared);
        self::assertSame(1, $e->stats()['connectionsAccepted']);
        self::assertCount(1, array_unique(array_column($e->journal(), 'connectionId')));

        for ($i = 0; $i < 3; $i++) {
            $this->post($e->operationUrl('Website.Ping'), '{}');
        }
        // The emulator sees the last close a moment after curl makes it.
        $deadline = microtime(true) + 2;
        do {
            $stats = $e->stats();
        } while ($stats['connectionsOpen'] > 0 && microtime(true) < $deadline && usleep(10_000) === null);
        self::assertSame(4, $stats['connectionsAccepted']);
        self::assertSame(4, $stats['mindboxConnections']);
        self::assertSame(0, $stats['connectionsOpen']);
    }

    public function testRestartKeepsThePortAndForgetsEverything(): void
    {
        $e = self::$emulator;
        $port = $e->port();
        $this->post($e->operationUrl('Website.Ping'), '{}');
        $e->restart();
        self::assertSame($port, $e->port());
        self::assertSame([], $e->journal());
        self::assertSame(200, $this->post($e->operationUrl('Website.Ping'), '{}')['status']);
    }

    /**
     * @param list<string>|null $headers null for the emulator's own key
     * @return array{status: int, headers: array<string, string>, body: mixed}
     */
    private function post(string $url, string $body, ?array $headers = null, ?\CurlHandle $handle = null): array
    {
        $headers ??= ['Authorization: SecretKey ' . self::$emulator->secretKey()];
        $own = $handle === null;
        $handle ??= curl_init();
        $received = [];
        curl_setopt_array($handle, [
            CURLOPT_URL => $url,
            CURLOPT_POST => true,
            CURLOPT_POSTFIELDS => $body,
            CURLOPT_HTTPHEADER => array_merge(['Content-Type: application/json; charset=utf-8', 'Expect:'], $headers),
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_TIMEOUT => 5,
            CURLOPT_PROXY => '',
            CURLOPT_HEADERFUNCTION => static function ($ch, string $line) use (&$received): int {
                $parts = explode(':', $line, 2);
                if (count($parts) === 2) {
                    $received[strtolower(trim($parts[0]))] = trim($parts[1]);
                }
                return strlen($line);
            },
        ]);
        $response = curl_exec($handle);
        self::assertIsString($response, curl_error($handle));
        $status = curl_getinfo($handle, CURLINFO_RESPONSE_CODE);
        if ($own) {
            curl_close($handle);
        }
        return [
            'status' => $status,
            'headers' => $received,
            'body' => $response === '' ? null : json_decode($response, true, 512, JSON_BIGINT_AS_STRING),
        ];
    }
}
