<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxClient;
use MindboxException;
use MindboxTests\Support\EmulatorTestCase;

/**
 * The secret key never shows, whatever a developer does with the client.
 */
final class SecretTest extends EmulatorTestCase
{
    private const SECRET = 'sk-VERY-SECRET-4f2a';

    public function testDumpsAndEncodingsDoNotShowTheSecret(): void
    {
        $client = $this->client(['secretKey' => self::SECRET]);
        ob_start();
        var_dump($client);
        print_r($client);
        var_export($client);
        echo json_encode($client);
        $out = (string) ob_get_clean() . print_r((array) $client, true) . print_r(get_object_vars($client), true);
        self::assertStringNotContainsString(self::SECRET, $out);
    }

    public function testAClientIsNotSerializable(): void
    {
        $this->expectException(\Exception::class);
        $this->expectExceptionMessageMatches('~not allowed~');
        serialize($this->client(['secretKey' => self::SECRET]));
    }

    public function testExceptionsDoNotShowTheSecret(): void
    {
        $messages = [];
        foreach ([
            ['kind' => 'status', 'status' => 403],
            ['kind' => 'status', 'status' => 500],
            ['kind' => 'validation'],
            ['kind' => 'raw', 'status' => 200, 'rawBody' => 'garbage'],
        ] as $rule) {
            self::emulator()->faults(['rules' => [$rule]]);
            try {
                $this->client(['secretKey' => self::SECRET])->call('Website.Ping', ['a' => 1]);
            } catch (MindboxException $e) {
                $messages[] = $e->getMessage() . $e->getTraceAsString() . $e;
            }
        }
        self::assertCount(4, $messages);
        foreach ($messages as $message) {
            self::assertStringNotContainsString(self::SECRET, $message);
        }
    }

    /**
     * Traces keep arguments where zend.exception_ignore_args is off (php.ini-development, many
     * shops' staging): the config must show as a SensitiveParameterValue.
     */
    public function testTracesWithArgumentsDoNotShowTheConfig(): void
    {
        $before = ini_set('zend.exception_ignore_args', '0');
        try {
            new MindboxClient(['endpointId' => 'e', 'secretKey' => self::SECRET, 'baseUrl' => 'http://127.0.0.1:1#x']);
            self::fail('the bad baseUrl was accepted');
        } catch (\MindboxInvalidArgumentException $e) {
            self::assertInstanceOf(\SensitiveParameterValue::class, $e->getTrace()[0]['args'][0]);
            self::assertStringNotContainsString(self::SECRET, $e->getTraceAsString() . print_r($e->getTrace(), true) . $e);
        } finally {
            ini_set('zend.exception_ignore_args', (string)$before);
        }
        $parameter = (new \ReflectionMethod(MindboxClient::class, '__construct'))->getParameters()[0];
        self::assertSame(['SensitiveParameter'], array_map(static fn ($a) => $a->getName(), $parameter->getAttributes()));
    }

    /**
     * A MySQL outbox's password in php.ini is a secret like the key: phpinfo() (and php -i, php --ri) shows the
     * address with the password masked, never the raw entry PHP would print by default.
     */
    public function testPhpinfoShowsTheOutboxAddressWithoutItsPassword(): void
    {
        $address = 'mysql://shop:' . self::SECRET . '@127.0.0.1:3306/shop?tls=required';
        $info = self::php(['-d', "mindbox.outbox=\"$address\"", '-r', 'phpinfo(INFO_MODULES);']);
        self::assertStringNotContainsString(self::SECRET, $info);
        self::assertStringContainsString(
            'mindbox.outbox => mysql://shop:***@127.0.0.1:3306/shop?tls=required => mysql://shop:***@127.0.0.1:3306/shop?tls=required',
            $info
        );
        self::assertStringContainsString('mindbox.delivery => inline => inline', $info);
        // A malformed address may show a piece of the password where a host would be: not shown at all.
        $malformed = self::php(['-d', 'mindbox.outbox=mysql://shop:' . self::SECRET . '/x@h/db', '--ri', 'mindbox']);
        self::assertStringNotContainsString(self::SECRET, $malformed);
        self::assertStringContainsString('not a valid address', $malformed);
    }

    /** The delivery settings are the server administrator's: no .user.ini (PHP_INI_PERDIR) nor ini_set() reaches them. */
    public function testTheDeliverySettingsCannotBeChangedByASite(): void
    {
        foreach (['mindbox.outbox', 'mindbox.delivery'] as $name) {
            self::assertSame(INI_SYSTEM, ini_get_all('mindbox')[$name]['access'], $name);
            $before = ini_get($name);
            self::assertFalse(@ini_set($name, '/tmp/elsewhere.sqlite'), $name);
            self::assertSame($before, ini_get($name), $name);
        }
    }

    /** @param list<string> $args */
    private static function php(array $args): string
    {
        $command = array_merge([PHP_BINARY, '-n', '-d', 'extension=' . self::extensionPath()], $args);
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = (string) stream_get_contents($pipes[1]) . (string) stream_get_contents($pipes[2]);
        self::assertSame(0, proc_close($process), $out);
        return $out;
    }
}
