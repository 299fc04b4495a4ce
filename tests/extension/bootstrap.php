<?php

declare(strict_types=1);

// These tests are about the extension: without it they would test nothing, so stop loudly.
if (!extension_loaded('mindbox')) {
    fwrite(STDERR, "The mindbox extension is not loaded: run with php -d extension=/path/to/libmindbox.so\n");
    exit(1);
}

require dirname(__DIR__) . '/support/emulator/Emulator.php';
require dirname(__DIR__) . '/support/emulator/EmulatorTestCase.php';
require dirname(__DIR__) . '/support/fpm/FpmPool.php';
require dirname(__DIR__) . '/support/fpm/FpmDrivers.php';
