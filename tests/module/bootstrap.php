<?php

declare(strict_types=1);

// The fake Bitrix core the module runs in (shared with the demo).
require_once dirname(__DIR__) . '/support/fakes/core.php';

// Without the extension, its stubs declare MindboxClientInterface and the exception classes, so that the handlers
// can still be tested against a recording double; the end-to-end tests skip themselves.
if (!extension_loaded('mindbox')) {
    require_once dirname(__DIR__, 2) . '/php-stubs/mindbox.php';
}
require_once dirname(__DIR__) . '/support/emulator/Emulator.php';

require_once __DIR__ . '/ModuleTestCase.php';
require_once __DIR__ . '/EndToEndTestCase.php';
require_once __DIR__ . '/FakeCoreTestCase.php';
require_once __DIR__ . '/FeedTestCase.php';
require_once __DIR__ . '/HistoryTestCase.php';
