<?php

declare(strict_types=1);

/**
 * The demo shop's public pages, served to a real browser by PHP's built-in server (`php -S … demo/pages.php`): the
 * catalogue section and its product pages, built as the complex bitrix:catalog component builds them, on the fake
 * core, with the module installed and configured from the environment (the journey passes its settings). What the
 * module puts on a page (the tracker, the views) is what the browser runs.
 */

use MindboxTests\Bitrix\Fakes\FakeShop;

require dirname(__DIR__) . '/tests/support/fakes/core.php';
require __DIR__ . '/catalogue.php';

$path = (string)parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH);
$shown = null;
if ($path === DemoCatalogue::SECTION['path']) {
    $shown = static fn () => FakeShop::showSection(DemoCatalogue::SECTION['id']);
    $title = DemoCatalogue::SECTION['name'];
}
foreach (DemoCatalogue::PRODUCTS as $id => [, $name, , $page]) {
    if ($path === $page) {
        $shown = static fn () => FakeShop::showProduct($id, DemoCatalogue::SECTION['id']);
        $title = $name;
    }
}
if ($shown === null) {
    http_response_code(404);
    return;
}

$shop = FakeShop::open(['s1' => 'Demo shop']);
try {
    $shop->installModule();
    $shop->configure([
        'endpoint_id' => (string)getenv('MINDBOX_DEMO_ENDPOINT'),
        'secret_key' => (string)getenv('MINDBOX_DEMO_SECRET'),
        'api_url' => (string)getenv('MINDBOX_DEMO_BASE_URL'),
    ]);
    DemoCatalogue::stock();
    $shop->visit($_COOKIE, (string)($_SERVER['REMOTE_ADDR'] ?? '127.0.0.1'), page: $path);
    $head = $shop->page($shown);
} finally {
    $shop->close();
}
header('Content-Type: text/html; charset=utf-8');
echo '<!DOCTYPE html><html><head><meta charset="utf-8"><title>', htmlspecialchars($title), '</title>', $head,
    '</head><body><h1>', htmlspecialchars($title), '</h1></body></html>';
