<?php
// Process A of UpgradeReleaseTest, on the previous release's module and extension: included by the fake site's prolog
// once the site is set up (FakeSite's spec `include`, the shop as $shop), a customer places orders while Mindbox
// answers 503, so that their events stay pending in the outbox. Prints what it did as JSON.

declare(strict_types=1);

namespace MindboxTests\Bitrix\Release;

require_once __DIR__ . '/hits.php';

$sends = Hits::recordSends();
$userId = $shop->existingCustomer('anna');
$orders = [];
for ($i = 0; $i < 3; $i++) {
    $orders[] = Hits::checkout($shop, $userId);
}
echo json_encode([
    'user' => $userId,
    'orders' => $orders,
    'sends' => $sends->getArrayCopy(),
    'outbox' => \Rustbox\Mindbox\Mindbox::client('s1')->outboxStats(),
], JSON_THROW_ON_ERROR), "\n";
