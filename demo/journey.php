<?php

declare(strict_types=1);

/**
 * A whole customer journey through the Bitrix module and the extension, on the fake Bitrix core of the tests:
 * an anonymous visitor with a tracker deviceUUID fills a cart, registers, logs in, places an order, the manager
 * marks it paid, and the customer subscribes to e-mail. Then the outbox is flushed and every operation the Mindbox
 * emulator received is printed in order, with its body.
 *
 *     MINDBOX_DEMO_BASE_URL=http://127.0.0.1:PORT MINDBOX_DEMO_ENDPOINT=… MINDBOX_DEMO_SECRET=… \
 *         php -d extension=target/debug/libmindbox.so demo/journey.php
 */

use MindboxTests\Bitrix\Fakes\FakeShop;
use Rustbox\Mindbox\Mindbox;

require dirname(__DIR__) . '/tests/bitrix/fakes/core.php';

function demoSetting(string $name): string
{
    $value = getenv($name);
    if (!is_string($value) || $value === '') {
        fwrite(STDERR, "$name is not set (the demo script starts the emulator and sets it)\n");
        exit(2);
    }
    return $value;
}

function step(string $text): void
{
    echo "- $text\n";
}

if (!extension_loaded('mindbox')) {
    fwrite(STDERR, "The mindbox extension is not loaded: run with php -d extension=/path/to/libmindbox.so\n");
    exit(2);
}
$baseUrl = rtrim(demoSetting('MINDBOX_DEMO_BASE_URL'), '/');
$outbox = sys_get_temp_dir() . '/rustbox-demo-' . getmypid() . '.sqlite';

$shop = FakeShop::open(['s1' => 'Demo shop']);
$shop->installModule();
$shop->configure([
    'endpoint_id' => demoSetting('MINDBOX_DEMO_ENDPOINT'),
    'secret_key' => demoSetting('MINDBOX_DEMO_SECRET'),
    'api_url' => $baseUrl,
    'outbox_path' => $outbox,
    'status_map' => json_encode(['N' => 'CheckedOut', 'P' => 'Paid', 'F' => 'Delivered', 'CANCELED' => 'Cancelled']),
]);

echo "The shop:\n";
$device = '4c3b2a19-8d7e-4f6a-9b5c-1d2e3f4a5b6c';
$shop->visit(['mindboxDeviceUUID' => $device], '203.0.113.25');
$shop->fillCart([[101, 'TEA-GREEN-100', 2, 450.0, 50.0], [205, 'CUP-WHITE', 1, 890.0, 0.0]]);
step("an anonymous visitor (deviceUUID $device) puts two products in the cart");

$user = new CUser();
$registration = $user->Register('anna', 'Anna', 'Petrova', 'Secret-2026', 'Secret-2026', 'anna@example.com', 's1', '', 0, false, '+7 (900) 123-45-67');
$userId = (int)$registration['ID'];
step("she registers (user $userId) and is logged in");

$order = $shop->placeOrder($userId, 'anna@example.com', '+7 (900) 123-45-67', 300.0);
step('she places order ' . $order->getId() . ' (' . $order->getPrice() . ' RUB with delivery)');

$shop->visit([], '10.0.0.5', 's1', true);
$payment = $order->getPaymentCollection()->createItem();
$payment->setField('SUM', $order->getPrice());
$payment->setPaid('Y');
$order->setField('STATUS_ID', 'P');
$order->save();
step('a manager marks the order paid in the admin');

$shop->visit(['mindboxDeviceUUID' => $device], '203.0.113.25');
(new CSubscription())->Add(['EMAIL' => 'anna@example.com', 'USER_ID' => $userId, 'ACTIVE' => 'Y', 'FORMAT' => 'html'], 's1');
step('she subscribes to the newsletter');

$failures = array_column(CEventLog::fakeEntries(), 'DESCRIPTION');
$flushed = Mindbox::client('s1')->flush(10.0);
$context = stream_context_create(['http' => ['timeout' => 10]]);
$journal = json_decode((string)file_get_contents($baseUrl . '/__emulator/journal?outcome=processed', false, $context), true);
$entries = $journal['requests'] ?? [];
usort($entries, static fn (array $a, array $b) => $a['seq'] <=> $b['seq']);

echo "\nMindbox received, in arrival order (the events of one order, or of one customer, keep their order):\n";
foreach ($entries as $n => $entry) {
    $device = isset($entry['query']['deviceUUID']) ? ', deviceUUID ' . $entry['query']['deviceUUID'] : '';
    printf("\n%d. %s (%s%s)\n", $n + 1, $entry['operation'], $entry['endpoint'], $device);
    echo json_encode($entry['body'], JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
}

$shop->close();
foreach (glob($outbox . '*') ?: [] as $file) {
    unlink($file);
}
foreach ($failures as $failure) {
    fwrite(STDERR, "module error: $failure\n");
}
if ($failures !== [] || $flushed['pending'] + $flushed['retrying'] + $flushed['failed'] > 0) {
    fwrite(STDERR, 'not everything was delivered: ' . json_encode($flushed) . "\n");
    exit(1);
}
