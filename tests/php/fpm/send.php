<?php

declare(strict_types=1);

// Served by PHP-FPM in FpmTest: one shop request that sends three events and says which worker it was.

$config = json_decode((string) base64_decode((string) getenv('MINDBOX_TEST_CONFIG')), true, 512, JSON_THROW_ON_ERROR);
$client = new MindboxClient($config);
$n = (string) ($_GET['n'] ?? '0');
$ids = [
    $client->registerCustomer(['customer' => ['ids' => ['websiteID' => "u$n"], 'email' => "u$n@example.com"]]),
    $client->setCart(['customer' => ['ids' => ['websiteID' => "u$n"]], 'productList' => [['product' => ['ids' => ['websiteID' => 'SKU']], 'count' => 1, 'pricePerItem' => 10]]]),
    $client->createOrder(['order' => ['ids' => ['websiteID' => "o$n"], 'lines' => [['product' => ['ids' => ['websiteID' => 'SKU']], 'quantity' => 1, 'basePricePerItem' => 10]]]]),
];
header('Content-Type: application/json');
echo json_encode(['pid' => getmypid(), 'ids' => $ids]);
