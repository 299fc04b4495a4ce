<?php
// A hit of UpgradeReleaseTest's site under PHP-FPM, whichever release it finds: included by the fake site's prolog
// (FakeSite's spec `include`, the shop as $shop), the customer ?user= places an order. Prints what it did as JSON, with
// the versions of the extension and of the module's files that served it and the event log's entries it added.

declare(strict_types=1);

namespace MindboxTests\Bitrix\Release;

use Bitrix\Main\Config\Option;
use Bitrix\Main\Loader;

require_once __DIR__ . '/hits.php';

$sends = Hits::recordSends();
$logged = count(\CEventLog::fakeEntries());
$hit = Hits::checkout($shop, (int)$_GET['user']);
$arModuleVersion = [];
include Loader::getLocal('modules/rustbox.mindbox/install/version.php');
echo json_encode($hit + [
    'sends' => $sends->getArrayCopy(),
    'extension' => phpversion('mindbox'),
    'files' => $arModuleVersion['VERSION'] ?? null,
    'installed' => Option::get('rustbox.mindbox', 'installed_version', '-'),
    'log' => array_slice(\CEventLog::fakeEntries(), $logged),
], JSON_THROW_ON_ERROR);
