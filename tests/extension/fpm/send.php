<?php

declare(strict_types=1);

// Served by PHP-FPM in FpmTest: one shop request that sends three events and says which worker it was. Each event's
// transactionId follows from n, as a shop's would from its order: a request retried after its worker was killed
// mid-way (its events may already be in the outbox) sends the same events again, not new ones.

$config = json_decode((string) base64_decode((string) getenv('MINDBOX_TEST_CONFIG')), true, 512, JSON_THROW_ON_ERROR);
$client = new MindboxClient($config);
$n = (string) ($_GET['n'] ?? '0');
// The customer and order the events are about: the request's own, or one several requests share (ClusterTest).
$k = (string) ($_GET['k'] ?? $n);
$tx = static function (string $event) use ($n): array {
    $hash = md5(getenv('MINDBOX_TEST_RUN') . "|$n|$event");
    $hash[12] = '4';
    $hash[16] = '8';
    return ['transactionId' => implode('-', [substr($hash, 0, 8), substr($hash, 8, 4), substr($hash, 12, 4), substr($hash, 16, 4), substr($hash, 20, 12)])];
};
$ids = [
    $client->registerCustomer(['customer' => ['ids' => ['websiteID' => "u$k"], 'email' => "u$k@example.com"]], $tx('register')),
    $client->setCart(['customer' => ['ids' => ['websiteID' => "u$k"]], 'productList' => [['product' => ['ids' => ['websiteID' => 'SKU']], 'count' => 1, 'pricePerItem' => 10]]], $tx('cart')),
    $client->createOrder(['order' => ['ids' => ['websiteID' => "o$k"], 'lines' => [['product' => ['ids' => ['websiteID' => 'SKU']], 'quantity' => 1, 'basePricePerItem' => 10]]]], $tx('order')),
];
header('Content-Type: application/json');
echo json_encode(['pid' => getmypid(), 'ids' => $ids]);
