<?php

declare(strict_types=1);

// These tests are about the extension: without it they would test nothing, so stop loudly.
if (!extension_loaded('mindbox')) {
    fwrite(STDERR, "The mindbox extension is not loaded: run with php -d extension=/path/to/libmindbox.so\n");
    exit(1);
}

require __DIR__ . '/Support/Emulator.php';
require __DIR__ . '/Support/EmulatorTestCase.php';
require __DIR__ . '/Support/FpmPool.php';
