<?php

declare(strict_types=1);

namespace MindboxTests\Support;

/**
 * What the tests run of this checkout's build: the file the environment names (scripts/test.sh sets it), else the
 * debug build under target/.
 */
final class Binaries
{
    public static function extension(): string
    {
        return self::path('MINDBOX_EXTENSION', 'libmindbox.so');
    }

    public static function emulator(): string
    {
        return self::path('MINDBOX_EMULATOR_BIN', 'mindbox-emulator');
    }

    public static function deliver(): string
    {
        return self::path('MINDBOX_DELIVER_BIN', 'mindbox-deliver');
    }

    private static function path(string $variable, string $file): string
    {
        $path = getenv($variable);
        return is_string($path) && $path !== '' ? $path : dirname(__DIR__, 3) . '/target/debug/' . $file;
    }
}
