<?php

/**
 * IDE and static-analysis stubs for the `mindbox` PHP extension (mindbox.so), one file per class
 * beside this one, which loads them all.
 *
 * Never include it where the extension is loaded: the classes would be declared twice.
 * A shop's own PHPUnit tests may include it (without the extension) to mock
 * {@see MindboxClientInterface}.
 */

require_once __DIR__ . '/MindboxClientInterface.php';
require_once __DIR__ . '/MindboxClient.php';
require_once __DIR__ . '/MindboxFeedWriter.php';
require_once __DIR__ . '/MindboxCsvWriter.php';
require_once __DIR__ . '/MindboxProgress.php';
require_once __DIR__ . '/MindboxException.php';
require_once __DIR__ . '/MindboxValidationException.php';
require_once __DIR__ . '/MindboxProtocolException.php';
require_once __DIR__ . '/MindboxUnavailableException.php';
require_once __DIR__ . '/MindboxInvalidArgumentException.php';
require_once __DIR__ . '/MindboxOutboxException.php';
