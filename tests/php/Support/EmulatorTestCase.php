<?php

declare(strict_types=1);

namespace MindboxTests\Support;

use MindboxClient;
use PHPUnit\Framework\TestCase;

/**
 * One emulator for the whole test class, reset before each test.
 */
abstract class EmulatorTestCase extends TestCase
{
    protected static ?Emulator $emulator = null;

    /** @var list<string> */
    private array $tempFiles = [];

    public static function setUpBeforeClass(): void
    {
        self::$emulator = Emulator::start();
    }

    public static function tearDownAfterClass(): void
    {
        self::$emulator?->stop();
        self::$emulator = null;
    }

    protected function setUp(): void
    {
        self::$emulator->reset();
    }

    protected function tearDown(): void
    {
        foreach ($this->tempFiles as $path) {
            foreach (glob($path . '*') ?: [] as $file) {
                is_dir($file) ? self::removeDir($file) : @unlink($file);
            }
        }
    }

    protected static function emulator(): Emulator
    {
        return self::$emulator;
    }

    /** A path under the temp dir that is removed (with any suffixed siblings) after the test. */
    protected function tempPath(string $name): string
    {
        $path = sys_get_temp_dir() . '/mindbox-test-' . getmypid() . '-' . bin2hex(random_bytes(4)) . '-' . $name;
        $this->tempFiles[] = $path;
        return $path;
    }

    /** @param array<string, mixed> $config */
    protected function client(array $config = []): MindboxClient
    {
        return new MindboxClient($config + [
            'endpointId' => self::$emulator->endpointId(),
            'secretKey' => self::$emulator->secretKey(),
            'baseUrl' => self::$emulator->baseUrl(),
            'timeout' => 2.0,
            'outbox' => $this->tempPath('outbox.sqlite'),
        ]);
    }

    /** The extension under test, for the PHP processes a test starts itself. */
    protected static function extensionPath(): string
    {
        $path = getenv('MINDBOX_EXTENSION');
        return is_string($path) && $path !== '' ? $path : dirname(__DIR__, 3) . '/target/debug/libmindbox.so';
    }

    private static function removeDir(string $dir): void
    {
        foreach (scandir($dir) ?: [] as $entry) {
            if ($entry !== '.' && $entry !== '..') {
                $path = "$dir/$entry";
                is_dir($path) ? self::removeDir($path) : @unlink($path);
            }
        }
        @rmdir($dir);
    }
}
