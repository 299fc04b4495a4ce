<?php
// bitrix/modules/main/include/prolog_before.php of a fake site (FakeSite::create() puts one requiring this file in a
// document root): what the module's own scripts find when they start the core in a process of their own, such as the
// feed's command line (tools/feed.php) and its endpoint under PHP's built-in server. Like the real prolog it leaves
// the core loaded, the module installed and the hit's request in the context (the web server's, or none on the
// command line); what the site holds comes from the environment, RUSTBOX_FAKE_SITE (JSON; see FakeSite).

namespace MindboxTests\Bitrix\Fakes;

use Bitrix\Currency\CurrencyTable;
use Bitrix\Main\Application;
use Bitrix\Main\Context;
use Bitrix\Main\DB\Connection;
use Bitrix\Main\HttpRequest;
use Bitrix\Main\SiteTable;

require_once __DIR__ . '/core.php';

(static function (): void {
    $spec = json_decode((string)getenv(FakeSite::ENV), true) ?: [];
    $root = rtrim((string)$_SERVER['DOCUMENT_ROOT'], '/');
    $shop = FakeShop::open($spec['sites'] ?? ['s1' => 'Shop'], module: $spec['module'] ?? null);
    register_shutdown_function(static fn () => $shop->close());
    if (isset($spec['database'])) {
        // Written when the process ends, a fatal error's included, as the rows a real hit wrote stay written.
        $database = FakeDatabase::open($spec['database']);
        register_shutdown_function(static fn () => $database->close());
    }
    if ($spec['install'] ?? true) {
        $shop->installModule();
    }
    foreach ($spec['servers'] ?? [] as $siteId => $server) {
        // The site's files are where the process was started, not in the shop's own folder.
        SiteTable::fakeSet((string)$siteId, ['SERVER_NAME' => $server, 'DOC_ROOT' => $root]);
    }
    CurrencyTable::fakeAdd(['CURRENCY' => 'RUB', 'AMOUNT' => '1', 'AMOUNT_CNT' => 1, 'BASE' => 'Y', 'SORT' => 10]);
    $catalogue = isset($spec['catalogue']) ? FakeCatalogue::install(...$spec['catalogue']) : null;
    if (isset($spec['history'])) {
        FakeHistory::install(...[...$spec['history'], 'catalogue' => $catalogue]);
    }
    foreach ($spec['options'] ?? [] as $siteId => $options) {
        $shop->configure($options, $siteId === '-' ? '' : (string)$siteId);
    }
    if (isset($spec['optionsFile'])) {
        \Bitrix\Main\Config\Option::fakePersist($spec['optionsFile']);
    }
    foreach ($spec['heldElsewhere'] ?? [] as $lock) {
        Connection::fakeHoldElsewhere($lock);
    }
    if (PHP_SAPI === 'cli') {
        $shop->leaveRequest();
    } else {
        Application::getInstance()->setContext(new Context(new HttpRequest($_GET, $_POST, $_COOKIE, $_SERVER)));
    }
    foreach ($spec['include'] ?? [] as $file) {
        require $file;
    }
})();
