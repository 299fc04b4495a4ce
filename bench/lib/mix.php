<?php

declare(strict_types=1);

/** A shop's event stream: the operations of an ordinary day, in their proportions, and their bodies. */

const BENCH_OPERATION_MIX = [
    // A shop's event stream during an ordinary day: carts dominate, then order status changes,
    // new orders, and a few customer events. The share of each operation, in percent.
    'setCart' => 50,
    'updateOrder' => 20,
    'createOrder' => 15,
    'registerCustomer' => 5,
    'updateCustomer' => 5,
    'subscribeEmail' => 5,
];

const BENCH_OPERATION_NAMES = [
    'setCart' => 'Website.SetCart',
    'updateOrder' => 'Website.UpdateOrder',
    'createOrder' => 'Website.CreateOrder',
    'registerCustomer' => 'Website.Register',
    'updateCustomer' => 'Website.UpdateProfile',
    'subscribeEmail' => 'Website.SubscribeEmail',
];

/** Mindbox's limit: requests a minute per operation and endpoint; the extension's default. */
const BENCH_DEFAULT_RATE_LIMIT = 8000;

/**
 * The order body of a shop's own synchronous `sendOrder()`: the order with its lines and
 * the customer inside it, ids under `websiteId`.
 *
 * @return array<string, mixed>
 */
function bench_order_body(int $orderId, int $customerId): array
{
    $products = [[101, 2, 450.0], [205, 1, 890.0], [317, 3, 129.9]];
    $lines = [];
    $total = 0.0;
    foreach ($products as [$productId, $quantity, $price]) {
        $lines[] = [
            'product' => ['ids' => ['websiteId' => (string)$productId]],
            'quantity' => $quantity,
            'priceOfLine' => $price * $quantity,
            'discountOfLine' => 0,
        ];
        $total += $price * $quantity;
    }
    return [
        'order' => [
            'ids' => ['websiteId' => (string)$orderId],
            'totalPrice' => $total,
            'lines' => $lines,
            'customer' => [
                'ids' => ['websiteId' => (string)$customerId],
                'email' => "customer$customerId@example.com",
                'mobilePhone' => '+7 900 ' . str_pad((string)($customerId % 10_000_000), 7, '0', STR_PAD_LEFT),
            ],
        ],
    ];
}

/**
 * A body for one helper of the mix, for event number $i. Customers repeat (a pool of 20,000),
 * so some events share an ordering key, as in a real shop.
 *
 * @return array<string, mixed>
 */
function bench_mix_body(string $helper, int $i): array
{
    $customerId = 1 + (int)(($i * 7919) % 20_000);
    $customer = ['ids' => ['websiteID' => (string)$customerId]];
    switch ($helper) {
        case 'createOrder':
            return bench_order_body(100_000 + $i, $customerId);
        case 'updateOrder':
            $body = bench_order_body(100_000 + $i, $customerId);
            $body['order']['status'] = 'Paid';
            return $body;
        case 'setCart':
            return [
                'customer' => $customer,
                'productList' => [
                    ['product' => ['ids' => ['websiteID' => '101']], 'count' => 2, 'pricePerItem' => 450.0],
                    ['product' => ['ids' => ['websiteID' => '205']], 'count' => 1, 'pricePerItem' => 890.0],
                ],
            ];
        case 'registerCustomer':
        case 'updateCustomer':
            return ['customer' => $customer + [
                'email' => "customer$customerId@example.com",
                'mobilePhone' => '+7 (900) 123-45-67',
                'firstName' => 'Anna',
                'lastName' => 'Petrova',
            ]];
        case 'subscribeEmail':
            return ['customer' => $customer + [
                'email' => "customer$customerId@example.com",
                'subscriptions' => [['pointOfContact' => 'Email', 'isSubscribed' => true]],
            ]];
    }
    throw new InvalidArgumentException("unknown helper $helper");
}

/**
 * The helper of event $i in the mix: deterministic and evenly spread (a Bresenham-like
 * interleave), so that every prefix of the stream has the mix's proportions.
 */
function bench_mix_helper(int $i): string
{
    static $table = null;
    if ($table === null) {
        $table = [];
        foreach (BENCH_OPERATION_MIX as $helper => $percent) {
            for ($k = 0; $k < $percent; $k++) {
                $table[] = [($k + 0.5) / $percent, $helper];
            }
        }
        usort($table, static fn ($a, $b) => $a[0] <=> $b[0]);
        $table = array_column($table, 1);
    }
    return $table[$i % 100];
}

/**
 * How many events of each operation the first $n events of the mix hold.
 *
 * @return array<string, int> operation name => count
 */
function bench_mix_counts(int $n): array
{
    $counts = [];
    for ($i = 0; $i < $n; $i++) {
        $op = BENCH_OPERATION_NAMES[bench_mix_helper($i)];
        $counts[$op] = ($counts[$op] ?? 0) + 1;
    }
    arsort($counts);
    return $counts;
}

/**
 * Hands $n events of the mix to $accept at a steady $rate a second, as a shop's requests come, and
 * returns how long each acceptance took (ms). The body is built before the clock starts.
 *
 * @param callable(string $operation, array<string, mixed> $body): void $accept
 * @return list<float>
 */
function bench_paced_mix(int $n, float $rate, callable $accept): array
{
    $interval = 1e9 / $rate;
    $next = hrtime(true);
    $samples = [];
    for ($i = 0; $i < $n; $i++) {
        $helper = bench_mix_helper($i);
        $body = bench_mix_body($helper, 3_000_000 + $i);
        $next += $interval;
        $wait = $next - hrtime(true);
        if ($wait > 0) {
            usleep((int)($wait / 1000));
        }
        $t = hrtime(true);
        $accept(BENCH_OPERATION_NAMES[$helper], $body);
        $samples[] = (hrtime(true) - $t) / 1e6;
    }
    return $samples;
}
