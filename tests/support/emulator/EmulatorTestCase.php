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

    /** A directory of this test's own, as the outbox needs one: no other user may write it. */
    private ?string $privateDir = null;

    /** This test's tables when the outbox is MySQL. */
    private ?string $mysqlPrefix = null;

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
        if ($this->privateDir !== null) {
            @chmod($this->privateDir, 0700);
            self::removeDir($this->privateDir);
            $this->privateDir = null;
        }
    }

    protected static function emulator(): Emulator
    {
        return self::$emulator;
    }

    /** A path in this test's own directory (mode 0700), removed with it after the test. */
    protected function tempPath(string $name): string
    {
        if ($this->privateDir === null) {
            $this->privateDir = sys_get_temp_dir() . '/mindbox-test-' . getmypid() . '-' . bin2hex(random_bytes(4));
            mkdir($this->privateDir, 0700);
        }
        return $this->privateDir . '/' . $name;
    }

    /** @param array<string, mixed> $config */
    protected function client(array $config = []): MindboxClient
    {
        return new MindboxClient($config + [
            'endpointId' => self::$emulator->endpointId(),
            'secretKey' => self::$emulator->secretKey(),
            'baseUrl' => self::$emulator->baseUrl(),
            'timeout' => 2.0,
            'outbox' => $this->outbox(),
        ]);
    }

    /**
     * The test's own outbox: a file in its private directory or, when the suite runs on the MySQL backend
     * (MINDBOX_TEST_OUTBOX=mysql, with the MariaDB that scripts/test.sh starts), tables of its own.
     */
    protected function outbox(): string
    {
        $url = (string)getenv('MINDBOX_TEST_MYSQL_URL');
        if (getenv('MINDBOX_TEST_OUTBOX') !== 'mysql' || $url === '') {
            return $this->tempPath('outbox.sqlite');
        }
        $this->mysqlPrefix ??= sprintf('p%d_%s_', getmypid(), bin2hex(random_bytes(3)));
        return $url . (str_contains($url, '?') ? '&' : '?') . 'prefix=' . $this->mysqlPrefix;
    }

    /** The extension under test, for the PHP processes a test starts itself. */
    protected static function extensionPath(): string
    {
        return Binaries::extension();
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
