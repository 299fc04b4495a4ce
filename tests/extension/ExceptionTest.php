<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxException;
use MindboxInvalidArgumentException;
use MindboxOutboxException;
use MindboxProtocolException;
use MindboxTests\Support\EmulatorTestCase;
use MindboxUnavailableException;
use MindboxValidationException;
use RuntimeException;

/**
 * The exception classes behave like any PHP exception: file, line, trace, `new`, hierarchy.
 */
final class ExceptionTest extends EmulatorTestCase
{
    public function testThrownExceptionsPointAtTheCallingLine(): void
    {
        self::emulator()->faults(['rules' => [['kind' => 'status', 'status' => 400]]]);
        $client = $this->client();
        try {
            $line = __LINE__ + 1;
            $client->call('Website.Ping', ['a' => 1]);
            self::fail('no exception');
        } catch (MindboxProtocolException $e) {
            self::assertSame(__FILE__, $e->getFile());
            self::assertSame($line, $e->getLine());
            $trace = $e->getTrace();
            self::assertSame('call', $trace[0]['function']);
            self::assertSame(__FUNCTION__, $trace[1]['function']);
            self::assertStringContainsString(__FUNCTION__, $e->getTraceAsString());
        }
    }

    public function testHierarchy(): void
    {
        foreach ([
            MindboxValidationException::class,
            MindboxProtocolException::class,
            MindboxUnavailableException::class,
            MindboxInvalidArgumentException::class,
            MindboxOutboxException::class,
        ] as $class) {
            self::assertSame(MindboxException::class, get_parent_class($class));
        }
        self::assertSame(RuntimeException::class, get_parent_class(MindboxException::class));
    }

    public function testExceptionsCanBeCreatedAndExtendedFromPhp(): void
    {
        $line = __LINE__ + 1;
        $e = new MindboxUnavailableException('down', 7, new RuntimeException('cause'));
        self::assertSame('down', $e->getMessage());
        self::assertSame(7, $e->getCode());
        self::assertSame($line, $e->getLine());
        self::assertSame('cause', $e->getPrevious()?->getMessage());
        self::assertSame(0, $e->getHttpStatus());
        self::assertSame([], (new MindboxValidationException('x'))->getValidationMessages());
        self::assertNull((new MindboxProtocolException('x'))->getErrorId());
        self::assertNull((new MindboxProtocolException('x'))->getRetryAfter());
        self::assertNull((new MindboxInvalidArgumentException('x'))->getPath());

        $custom = new class ('mine') extends MindboxProtocolException {
        };
        self::assertInstanceOf(MindboxException::class, $custom);
        try {
            throw new MindboxOutboxException('rethrown');
        } catch (MindboxException $caught) {
            self::assertSame('rethrown', $caught->getMessage());
        }
    }
}
