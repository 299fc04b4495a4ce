<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxTests\Support\Binaries;
use PHPUnit\Framework\TestCase;

/**
 * The stubs in php-stubs/ declare exactly what the loaded extension exports: every class, method,
 * parameter and function, in whichever of the stub files.
 */
final class StubsTest extends TestCase
{
    public function testStubsMatchTheLoadedExtension(): void
    {
        $script = dirname(__DIR__) . '/stubs/signature.php';
        $extension = self::runPhp([PHP_BINARY, '-d', 'extension=' . Binaries::extension(), $script]);
        // A PHP without the extension: only the stubs declare the classes.
        $stubs = self::runPhp([PHP_BINARY, $script, '--stubs']);
        self::assertNotEmpty(json_decode($extension, true));
        self::assertSame($extension, $stubs, 'php-stubs/ differs from the extension');
    }

    /** @param list<string> $command */
    private static function runPhp(array $command): string
    {
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        self::assertSame(0, proc_close($process), $err);
        return $out;
    }
}
