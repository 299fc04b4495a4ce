<?php
// A shopper of UpgradeReleaseTest's site: checkout hits on PHP-FPM (php drive.php PORT DOCUMENT_ROOT USER STOP_FILE),
// one after another until the stop file exists, each answer printed as a JSON line (what FastCGI gave back, or why
// nothing came back).

declare(strict_types=1);

require_once dirname(__DIR__, 2) . '/support/fpm/FastCgi.php';

use MindboxTests\Support\FastCgi;

[, $port, $root, $user, $stop] = $argv;
while (!file_exists($stop)) {
    try {
        $answer = FastCgi::get('127.0.0.1', (int)$port, $root . '/checkout.php', 'user=' . $user, 60.0, ['DOCUMENT_ROOT' => $root]);
    } catch (\RuntimeException $e) {
        $answer = ['error' => $e->getMessage()];
    }
    echo json_encode($answer, JSON_INVALID_UTF8_SUBSTITUTE), "\n";
}
