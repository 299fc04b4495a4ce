<?php

declare(strict_types=1);

namespace MindboxTests;

use ArrayObject;
use JsonSerializable;
use MindboxInvalidArgumentException;
use MindboxTests\Support\EmulatorTestCase;

/**
 * Whatever a shop passes, the worker survives and learns what was wrong.
 */
final class BadInputTest extends EmulatorTestCase
{
    /**
     * @dataProvider badBodies
     */
    public function testBadBodiesAreRefusedByPath(callable $makeBody, string $path): void
    {
        try {
            $this->client()->call('Website.Ping', $makeBody());
            self::fail('no exception');
        } catch (MindboxInvalidArgumentException $e) {
            self::assertSame($path, $e->getPath(), $e->getMessage());
        }
        self::assertSame([], self::emulator()->journal());
    }

    /** @return array<string, array{callable, string}> */
    public function badBodies(): array
    {
        return [
            'non-UTF-8 string' => [fn () => ['customer' => ['firstName' => "\xC0\xAF"]], 'body.customer.firstName'],
            'non-UTF-8 key (a windows-1251 site)' => [fn () => ['customer' => ["\xcf\xf0\xe8\xe2\xe5\xf2" => 'x']], 'body.customer'],
            'total beyond what JSON carries' => [fn () => ['order' => ['totalPrice' => 1e308]], 'body.order.totalPrice'],
            'quantity beyond what JSON carries' => [fn () => ['order' => ['lines' => [['quantity' => 1e306]]]], 'body.order.lines[0].quantity'],
            'NAN' => [fn () => ['order' => ['totalPrice' => NAN]], 'body.order.totalPrice'],
            'INF' => [fn () => ['x' => INF], 'body.x'],
            'object' => [fn () => ['customer' => new ArrayObject([1])], 'body.customer'],
            'closure' => [fn () => ['x' => static fn () => 1], 'body.x'],
            'resource' => [fn () => ['file' => fopen('php://memory', 'rb')], 'body.file'],
            'list as body' => [fn () => [1, 2, 3], 'body'],
            'bad quantity' => [fn () => ['order' => ['lines' => [['quantity' => 1], ['quantity' => 'two']]]], 'body.order.lines[1].quantity'],
            'negative price' => [fn () => ['order' => ['lines' => [['basePricePerItem' => -5]]]], 'body.order.lines[0].basePricePerItem'],
            'huge body' => [fn () => ['blob' => str_repeat('x', 9 * 1024 * 1024)], 'body'],
        ];
    }

    public function testDeepAndRecursiveArraysAreRefused(): void
    {
        $deep = ['leaf' => 1];
        for ($i = 0; $i < 100; $i++) {
            $deep = ['n' => $deep];
        }
        $recursive = ['a' => 1];
        $recursive['self'] = &$recursive;
        foreach ([$deep, $recursive] as $body) {
            try {
                $this->client()->call('Website.Ping', $body);
                self::fail('no exception');
            } catch (MindboxInvalidArgumentException $e) {
                self::assertStringContainsString('nested more than', $e->getMessage());
            }
        }
    }

    public function testWrongArgumentTypesAreTypeErrors(): void
    {
        $client = $this->client();
        $this->expectException(\TypeError::class);
        /** @phpstan-ignore-next-line */
        $client->call('Website.Ping', 'not an array');
    }

    public function testStdClassAndJsonSerializableAreAccepted(): void
    {
        $serializable = new class () implements JsonSerializable {
            public function jsonSerialize(): mixed
            {
                return ['ids' => ['websiteID' => '7']];
            }
        };
        $this->client()->call('Website.Ping', [
            'customer' => $serializable,
            'extra' => json_decode('{"a": {"b": [1, 2]}}'),
        ]);
        [$request] = self::emulator()->journal();
        self::assertSame(['ids' => ['websiteID' => '7']], $request['body']['customer']);
        self::assertSame(['a' => ['b' => [1, 2]]], $request['body']['extra']);
    }

    public function testNormalisationOfKnownFields(): void
    {
        $this->client()->call('Website.Ping', [
            'customer' => ['mobilePhone' => '+7 (900) 123-45-67', 'email' => '  ivan@example.ru '],
            'order' => ['totalPrice' => '1999.999', 'lines' => [
                ['quantity' => 1.23456, 'basePricePerItem' => 10.005],
                ['quantity' => 2, 'basePricePerItem' => 5],
            ]],
        ]);
        [$request] = self::emulator()->journal();
        $body = $request['body'];
        self::assertSame('79001234567', $body['customer']['mobilePhone']);
        self::assertSame('ivan@example.ru', $body['customer']['email']);
        self::assertSame(2000, $body['order']['totalPrice']);
        self::assertSame(1.235, $body['order']['lines'][0]['quantity']);
        self::assertSame(10.01, $body['order']['lines'][0]['basePricePerItem']);
        self::assertSame([1, 2], array_column($body['order']['lines'], 'lineNumber'));
    }

    public function testAJunkPhoneCostsTheFieldNotTheEvent(): void
    {
        $client = $this->client();
        $client->call('Website.Ping', ['customer' => ['mobilePhone' => 'call me', 'email' => 'ivan@example.ru']]);
        $client->call('Website.Ping', ['customer' => ['mobilePhone' => '8 (900) 123-45-67, 8 495 123-45-67']]);
        [$junk, $list] = self::emulator()->journal();
        self::assertSame(['email' => 'ivan@example.ru'], $junk['body']['customer']);
        self::assertSame('89001234567', $list['body']['customer']['mobilePhone']);
    }

    public function testNormalizePhoneIsTheRuleOfTheBody(): void
    {
        self::assertSame('79001234567', \MindboxClient::normalizePhone('+7 (900) 123-45-67'));
        self::assertSame('89001234567', \MindboxClient::normalizePhone('нет; 8 900 123-45-67'));
        foreach (['', '-', 'нет', '123-45-67', '+7 900 123 45 67 89 01 23'] as $junk) {
            self::assertNull(\MindboxClient::normalizePhone($junk), $junk);
        }
    }

    public function testARustPanicBecomesAnErrorAndTheProcessGoesOn(): void
    {
        if (!function_exists('mindbox_test_panic')) {
            self::markTestSkipped('build with --features test-hooks (scripts/test.sh does)');
        }
        try {
            mindbox_test_panic();
            self::fail('no error');
        } catch (\Error $e) {
            self::assertStringContainsString('deliberate panic', $e->getMessage());
        }
        self::assertSame('Success', $this->client()->call('Website.Ping', ['a' => 1])['status']);
    }

    public function testAnAnswerTooLargeForTheMemoryLimitIsAnErrorNotTheEndOfTheWorker(): void
    {
        // Served as raw text: as a script the emulator would parse it into 1.5 million maps, which a debug build
        // on a busy machine does not finish within the control call's timeout.
        $answer = '{"status":"Success","items":[' . str_repeat('{"n":1},', 1_499_999) . '{"n":1}]}';
        self::emulator()->faults(['rules' => [[
            'kind' => 'raw', 'status' => 200, 'contentType' => 'application/json', 'rawBody' => $answer,
            'operation' => 'Website.GetRecommendations',
        ]]]);
        $script = sprintf(
            'register_shutdown_function(static function () { echo "shutdown ran\n"; });'
            . '$c = new MindboxClient(%s);'
            . 'try { $c->call("Website.GetRecommendations", ["x" => 1]); echo "no exception\n"; }'
            . ' catch (MindboxUnavailableException $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }',
            var_export(['endpointId' => self::emulator()->endpointId(), 'secretKey' => self::emulator()->secretKey(), 'baseUrl' => self::emulator()->baseUrl(), 'timeout' => 30.0], true)
        );
        exec(sprintf(
            '%s -d memory_limit=128M -d extension=%s -r %s 2>&1',
            escapeshellarg(PHP_BINARY),
            escapeshellarg(self::extensionPath()),
            escapeshellarg($script)
        ), $output, $status);
        $text = implode("\n", $output);
        self::assertSame(0, $status, $text);
        self::assertStringContainsString('MindboxUnavailableException: Mindbox is unavailable (HTTP 200): the answer would take about', $text);
        self::assertStringContainsString('shutdown ran', $text);
    }

    public function testASecondConstructIsRefusedAndTheClientKeepsItsSettings(): void
    {
        $client = $this->client();
        try {
            $client->__construct(['endpointId' => 'other', 'secretKey' => 'other-key', 'baseUrl' => 'http://127.0.0.1:1']);
            self::fail('a second __construct was accepted');
        } catch (\MindboxInvalidArgumentException $e) {
            self::assertStringContainsString('already constructed', $e->getMessage());
        }
        self::assertSame('Success', $client->call('Website.Ping', ['a' => 1])['status']);
        [$request] = self::emulator()->journal();
        self::assertSame(self::emulator()->endpointId(), $request['endpointId'], 'still the first settings');
    }
}
