<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxClient;
use MindboxException;
use MindboxInvalidArgumentException;
use MindboxProtocolException;
use MindboxTests\Support\EmulatorTestCase;
use MindboxUnavailableException;
use MindboxValidationException;

/**
 * call(): the wire format and every row of the error table (ARCHITECTURE.md, "Errors"), against the emulator.
 */
final class CallTest extends EmulatorTestCase
{
    public function testQueryAndHeadersAreExactlyAsSpecified(): void
    {
        $answer = $this->client()->call('Website.GetCustomerInfo', ['customer' => ['ids' => ['websiteID' => '42']]], [
            'deviceUUID' => 'b0a3f3b2-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
            'customerIp' => '203.0.113.7',
            'transactionId' => '0f8fad5b-d9cb-469f-a165-70867728950e',
        ]);
        self::assertSame('Success', $answer['status']);

        [$request] = self::emulator()->journal();
        self::assertSame('sync', $request['endpoint']);
        self::assertSame([
            'endpointId' => self::emulator()->endpointId(),
            'operation' => 'Website.GetCustomerInfo',
            'deviceUUID' => 'b0a3f3b2-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
            'transactionId' => '0f8fad5b-d9cb-469f-a165-70867728950e',
        ], $request['query']);
        $headers = $request['headers'];
        self::assertSame('SecretKey ***', $headers['authorization']);
        self::assertTrue($request['authOk']);
        self::assertSame('application/json; charset=utf-8', $headers['content-type']);
        self::assertSame('application/json', $headers['accept']);
        self::assertSame('203.0.113.7', $headers['x-customer-ip']);
        self::assertMatchesRegularExpression('~^mindbox-php-ext/\d+\.\d+\.\d+~', $headers['user-agent']);
    }

    public function testOptionalParametersAreLeftOutWhenNotGiven(): void
    {
        $this->client()->call('Website.Ping', ['customer' => ['ids' => ['websiteID' => '1']]]);
        [$request] = self::emulator()->journal();
        self::assertSame(['endpointId', 'operation'], array_keys($request['query']));
        self::assertArrayNotHasKey('x-customer-ip', $request['headers']);
    }

    public function testLegacyAuthorizationScheme(): void
    {
        $this->client(['authScheme' => 'legacy'])->call('Website.Ping', ['a' => 1]);
        [$request] = self::emulator()->journal();
        self::assertSame('Mindbox secretKey="***"', $request['headers']['authorization']);
        self::assertTrue($request['authOk']);
    }

    public function testCyrillicLargeIntegersAndNestedBodiesRoundTrip(): void
    {
        $body = [
            'customer' => [
                'firstName' => 'Алёна',
                'lastName' => "Д'Артаньян \"ёж\" 🦔",
                'customFields' => ['bigId' => PHP_INT_MAX, 'negative' => PHP_INT_MIN, 'ratio' => 0.1, 'flag' => false, 'none' => null],
            ],
            'order' => ['lines' => [['product' => ['ids' => ['websiteID' => 'SKU-1']], 'quantity' => 2, 'basePricePerItem' => 10.5]]],
            'list' => [1, 2, 3],
            'map' => [5 => 'five', 7 => 'seven'],
            'deep' => ['a' => ['b' => ['c' => ['d' => ['e' => 'f']]]]],
        ];
        $this->client()->call('Website.Echo', $body);
        [$request] = self::emulator()->journal();
        $sent = $request['body'];
        self::assertSame('Алёна', $sent['customer']['firstName']);
        self::assertSame("Д'Артаньян \"ёж\" 🦔", $sent['customer']['lastName']);
        self::assertSame(PHP_INT_MAX, $sent['customer']['customFields']['bigId']);
        self::assertSame(PHP_INT_MIN, $sent['customer']['customFields']['negative']);
        self::assertSame(0.1, $sent['customer']['customFields']['ratio']);
        self::assertFalse($sent['customer']['customFields']['flag']);
        self::assertNull($sent['customer']['customFields']['none']);
        self::assertSame([1, 2, 3], $sent['list']);
        self::assertSame(['5' => 'five', '7' => 'seven'], $sent['map']);
        self::assertSame('f', $sent['deep']['a']['b']['c']['d']['e']);
        self::assertSame(1, $sent['order']['lines'][0]['lineNumber']);
    }

    public function testTheAnswerIsDecodedWithUnknownFieldsKept(): void
    {
        $script = ['status' => 'Success', 'customer' => ['processingStatus' => 'Found', 'name' => 'Ёжик', 'id' => PHP_INT_MAX], 'brandNew' => ['x' => [1, 2]], '123' => 'numeric key'];
        self::emulator()->script('Website.GetCustomerInfo', $script);
        $answer = $this->client()->call('Website.GetCustomerInfo', ['customer' => ['ids' => ['websiteID' => '1']]]);
        self::assertSame($script, $answer);
        self::assertSame('numeric key', $answer[123]);
    }

    public function testValidationErrorCarriesItsMessages(): void
    {
        self::emulator()->faults(['rules' => [['kind' => 'validation', 'messages' => [
            ['message' => 'Неверный email', 'location' => '/customer/email'],
            ['message' => 'Whole request'],
        ]]]]);
        try {
            $this->client()->call('Website.Register', ['customer' => ['email' => 'bad']]);
            self::fail('no exception');
        } catch (MindboxValidationException $e) {
            self::assertSame([
                ['message' => 'Неверный email', 'location' => '/customer/email'],
                ['message' => 'Whole request', 'location' => null],
            ], $e->getValidationMessages());
            self::assertStringContainsString('Неверный email (at /customer/email)', $e->getMessage());
        }
    }

    /**
     * @dataProvider protocolStatuses
     */
    public function testProtocolErrorsCarryStatusAndErrorId(int $status): void
    {
        self::emulator()->faults(['rules' => [['kind' => 'status', 'status' => $status]]]);
        try {
            $this->client()->call('Website.Ping', ['a' => 1]);
            self::fail('no exception');
        } catch (MindboxProtocolException $e) {
            self::assertSame($status, $e->getHttpStatus());
            if ($status !== 404) {
                self::assertMatchesRegularExpression('~^[0-9a-f-]{36}$~', (string) $e->getErrorId());
            }
            self::assertNull($e->getRetryAfter());
            self::assertInstanceOf(MindboxException::class, $e);
        }
    }

    /** @return array<string, array{int}> */
    public function protocolStatuses(): array
    {
        return ['400' => [400], '401' => [401], '403' => [403], '404' => [404]];
    }

    public function testWrongSecretIsAReal403(): void
    {
        try {
            $this->client(['secretKey' => 'wrong'])->call('Website.Ping', ['a' => 1]);
            self::fail('no exception');
        } catch (MindboxProtocolException $e) {
            self::assertSame(403, $e->getHttpStatus());
            self::assertStringNotContainsString('wrong', $e->getMessage());
        }
    }

    public function test429CarriesRetryAfter(): void
    {
        self::emulator()->faults(['rules' => [['kind' => 'status', 'status' => 429, 'retryAfter' => 7]]]);
        try {
            $this->client()->call('Website.Ping', ['a' => 1]);
            self::fail('no exception');
        } catch (MindboxProtocolException $e) {
            self::assertSame(429, $e->getHttpStatus());
            self::assertSame(7, $e->getRetryAfter());
        }
    }

    /**
     * @dataProvider unavailableFaults
     * @param array<string, mixed> $rule
     */
    public function testNoUsableAnswerIsUnavailable(array $rule, int $status): void
    {
        self::emulator()->faults(['rules' => [$rule]]);
        try {
            $this->client(['timeout' => 1.0])->call('Website.Ping', ['a' => 1]);
            self::fail('no exception');
        } catch (MindboxUnavailableException $e) {
            self::assertSame($status, $e->getHttpStatus(), $e->getMessage());
        }
        self::assertSame('alive', $this->client()->call('Website.Ping', ['a' => 1]) ? 'alive' : 'dead', 'process and client go on');
    }

    /** @return array<string, array{array<string, mixed>, int}> */
    public function unavailableFaults(): array
    {
        return [
            '500' => [['kind' => 'status', 'status' => 500, 'times' => 1], 500],
            '502 empty body' => [['kind' => 'status', 'status' => 502, 'times' => 1], 502],
            '503' => [['kind' => 'status', 'status' => 503, 'times' => 1], 503],
            '504 empty body' => [['kind' => 'status', 'status' => 504, 'times' => 1], 504],
            'connection reset' => [['kind' => 'reset', 'times' => 1], 0],
            'html error page' => [['kind' => 'raw', 'status' => 502, 'rawBody' => '<html><body>Bad gateway</body></html>', 'times' => 1], 502],
            'malformed json' => [['kind' => 'raw', 'status' => 200, 'contentType' => 'application/json', 'rawBody' => '{"status": "Succ', 'times' => 1], 200],
            'truncated body' => [['kind' => 'raw', 'status' => 200, 'contentType' => 'application/json', 'rawBody' => '{"status":"Success"}', 'truncate' => true, 'times' => 1], 200],
            'oversize answer' => [['kind' => 'raw', 'status' => 200, 'bodyBytes' => 20 * 1024 * 1024, 'times' => 1], 200],
        ];
    }

    public function testAServerThatNeverAnswersTimesOut(): void
    {
        self::emulator()->faults(['rules' => [['kind' => 'hang', 'times' => 1]]]);
        $started = microtime(true);
        try {
            $this->client(['timeout' => 1.0])->call('Website.Ping', ['a' => 1]);
            self::fail('no exception');
        } catch (MindboxUnavailableException $e) {
            $elapsed = microtime(true) - $started;
            self::assertSame(0, $e->getHttpStatus());
            self::assertStringContainsString('1.0 s', $e->getMessage());
            self::assertGreaterThanOrEqual(0.9, $elapsed);
        }
    }

    public function testRefusedConnectionIsUnavailable(): void
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr((string) stream_socket_get_name($socket, false), strrpos((string) stream_socket_get_name($socket, false), ':') + 1);
        fclose($socket);
        $client = new MindboxClient(['endpointId' => 'e', 'secretKey' => 'k', 'baseUrl' => "http://127.0.0.1:$port"]);
        $this->expectException(MindboxUnavailableException::class);
        $client->call('Website.Ping', ['a' => 1]);
    }

    public function testTwentySequentialCallsShareOneConnection(): void
    {
        $client = $this->client();
        for ($i = 0; $i < 20; $i++) {
            $client->call('Website.Ping', ['i' => $i]);
        }
        // A second client in the same process shares the per-process pool.
        $this->client()->call('Website.Ping', ['i' => 20]);
        self::assertSame(1, self::emulator()->stats()['connectionsAccepted']);
        self::assertCount(1, array_unique(array_column(self::emulator()->journal(), 'connectionId')));
    }

    /**
     * @dataProvider badConfigs
     * @param array<string, mixed> $config
     */
    public function testBadConfigIsRefusedWithItsPath(array $config, string $path): void
    {
        try {
            new MindboxClient($config);
            self::fail('no exception');
        } catch (MindboxInvalidArgumentException $e) {
            self::assertSame($path, $e->getPath(), $e->getMessage());
            self::assertStringStartsWith($path . ':', $e->getMessage());
        }
    }

    /** @return array<string, array{array<string, mixed>, string}> */
    public function badConfigs(): array
    {
        $ok = ['endpointId' => 'e', 'secretKey' => 'k'];
        return [
            'no endpoint' => [['secretKey' => 'k'], 'config.endpointId'],
            'empty endpoint' => [['endpointId' => '', 'secretKey' => 'k'], 'config.endpointId'],
            'no secret' => [['endpointId' => 'e'], 'config.secretKey'],
            'http to a remote host' => [$ok + ['baseUrl' => 'http://api.mindbox.ru'], 'config.baseUrl'],
            'typo' => [$ok + ['timout' => 3], 'config.timout'],
            'negative timeout' => [$ok + ['timeout' => -1], 'config.timeout'],
            'bad auth scheme' => [$ok + ['authScheme' => 'basic'], 'config.authScheme'],
            'unknown helper' => [$ok + ['operations' => ['createOrdr' => 'X']], 'config.operations.createOrdr'],
            'a key with a non-breaking space' => [['endpointId' => 'e', 'secretKey' => "k3y\u{00A0}"], 'config.secretKey'],
            'a URL with a fragment' => [$ok + ['baseUrl' => 'https://api.mindbox.ru/#x'], 'config.baseUrl'],
            'a URL with user info' => [$ok + ['baseUrl' => 'https://user:pw@api.mindbox.ru'], 'config.baseUrl'],
        ];
    }

    public function testBadConfigValuesAreNotRepeatedInMessages(): void
    {
        foreach ([['baseUrl' => 'https://shop:hunter2@api.mindbox.ru'], ['authScheme' => 'hunter2'], ['secretKey' => "hunter2\u{00A0}"]] as $bad) {
            try {
                new MindboxClient($bad + ['endpointId' => 'e', 'secretKey' => 'k']);
                self::fail('no exception');
            } catch (MindboxInvalidArgumentException $e) {
                self::assertStringNotContainsString('hunter2', $e->getMessage());
            }
        }
    }

    public function testBadOperationAndOptionsAreRefused(): void
    {
        $client = $this->client();
        foreach ([
            ['Website Ping', [], 'operation'],
            ['', [], 'operation'],
            ['Website.Ping', ['transactionId' => 'not-a-guid'], 'options.transactionId'],
            ['Website.Ping', ['customerIp' => 'localhost'], 'options.customerIp'],
            ['Website.Ping', ['endpoint' => 'bulk'], 'options.endpoint'],
            ['Website.Ping', ['deviceUuid' => 'typo'], 'options.deviceUuid'],
        ] as [$operation, $options, $path]) {
            try {
                $client->call($operation, ['a' => 1], $options);
                self::fail("no exception for $path");
            } catch (MindboxInvalidArgumentException $e) {
                self::assertSame($path, $e->getPath());
            }
        }
        self::assertSame([], self::emulator()->journal(), 'nothing was sent');
    }
}
