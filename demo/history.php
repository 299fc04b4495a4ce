<?php

declare(strict_types=1);

use Bitrix\Sale\Order;
use Rustbox\Mindbox\History\HistoryJob;

/**
 * The demo shop's history: a few customers and their orders from before the module was installed (stored in the fake
 * core without an event, as a shop's database holds them), exported at the end of the demo with the module's history
 * job (customers, then orders, below the live sync's first user and order) into the emulator by bulk import; then
 * what the emulator's tasks say and what it imported.
 */
final class DemoHistory
{
    /** The shop's customers before the module, with their orders: [status, cancelled, placed, [[product id, quantity, price]…]]. */
    private const CUSTOMERS = [
        [['LOGIN' => 'ivan', 'NAME' => 'Ivan', 'LAST_NAME' => 'Sokolov', 'EMAIL' => 'ivan@example.com', 'PERSONAL_PHONE' => '8 (903) 111-22-33',
            'PERSONAL_BIRTHDAY' => '12.04.1985', 'DATE_REGISTER' => '03.02.2021 10:15:00'], [
            ['F', 'N', '05.02.2021 12:00:00', [[101, 2, 450.0], [205, 1, 890.0]]],
            ['P', 'N', '20.03.2023 15:30:00', [[101, 1, 405.0]]],
        ]],
        [['LOGIN' => 'maria', 'NAME' => 'Мария', 'LAST_NAME' => 'Иванова', 'EMAIL' => 'maria@example.com', 'DATE_REGISTER' => '17.06.2022 18:40:00'], [
            ['F', 'N', '01.07.2022 11:00:00', [[205, 2, 890.0]]],
        ]],
        [['LOGIN' => 'oleg', 'NAME' => 'Oleg', 'LAST_NAME' => 'Petrov', 'EMAIL' => 'oleg@example.com', 'PERSONAL_PHONE' => '+7 916 555 44 33',
            'DATE_REGISTER' => '09.11.2023 09:05:00'], [
            ['N', 'Y', '10.11.2023 20:45:00', [[101, 3, 450.0]]],
        ]],
    ];

    /**
     * Stores the history in the fake core, before anything of the journey (the ids the live sync then hands over come
     * after it, as in a shop that installs the module).
     *
     * @return array{customers: list<string>, orders: list<string>} their ids
     */
    public static function seed(): array
    {
        $ids = ['customers' => [], 'orders' => []];
        foreach (self::CUSTOMERS as [$user, $orders]) {
            $userId = \CUser::fakeExisting($user);
            $ids['customers'][] = (string)$userId;
            foreach ($orders as [$status, $cancelled, $placed, $lines]) {
                $basket = [];
                foreach ($lines as [$productId, $quantity, $price]) {
                    $basket[] = ['PRODUCT_ID' => $productId, 'PRODUCT_XML_ID' => DemoCatalogue::PRODUCTS[$productId][0],
                        'NAME' => DemoCatalogue::PRODUCTS[$productId][1], 'QUANTITY' => $quantity, 'BASE_PRICE' => $price, 'PRICE' => $price];
                }
                $ids['orders'][] = (string)Order::fakeExisting([
                    'USER_ID' => $userId, 'STATUS_ID' => $status, 'CANCELED' => $cancelled, 'DATE_INSERT' => $placed, 'DATE_UPDATE' => $placed,
                    'PRICE' => array_sum(array_map(static fn (array $line) => $line[1] * $line[2], $lines)),
                ], [[['ID' => 1, 'CODE' => 'EMAIL', 'NAME' => 'E-mail', 'IS_EMAIL' => 'Y'], $user['EMAIL']]], $basket);
            }
        }
        return $ids;
    }

    /**
     * Exports the history in this process (HistoryJob::run(), as tools/history.php does), prints what Mindbox's
     * import tasks and imported customers and orders are, and removes the parts' folder.
     *
     * @return array{ok: bool, customers: list<string>, orders: list<string>, tasks: list<array>} what Mindbox imported, by id
     */
    public static function export(string $baseUrl): array
    {
        $job = HistoryJob::forSite('s1');
        $last = $job->run()['lastRun'];
        $job->removeFiles();
        if (!$last['ok']) {
            fwrite(STDERR, 'the history was not exported: ' . implode('; ', $last['errors']) . "\n");
            return ['ok' => false, 'customers' => [], 'orders' => [], 'tasks' => []];
        }
        $tasks = self::control($baseUrl, 'tasks');
        $customers = self::control($baseUrl, 'customers');
        $orders = self::control($baseUrl, 'orders');
        printf("\nThe shop's history (%d customers and %d orders from before the module), exported by the module's history job\n"
            . "below the live sync's first user and order, in %d parts, %.1f s; Mindbox's import tasks (GET /__emulator/bulk/tasks):\n",
            $last['read']['customers'], $last['read']['orders'], count($last['parts']), $last['seconds']);
        foreach ($tasks as $n => $task) {
            printf("  %d. %s, transactionId %s%s, %d rows: %d accepted, %d rejected, %s\n", $n + 1, $task['operation'], $task['transactionId'],
                $task['gzip'] ? ', gzip' : '', $task['rows'], $task['accepted'], $task['rejected'], $task['status']);
        }
        echo "The customers Mindbox imported (GET /__emulator/bulk/customers):\n";
        foreach ($customers as $customer) {
            printf("  websiteID %s: %s %s, %s, phone %s, born %s, registered %s UTC\n", $customer['ids']['websiteID'], $customer['firstName'],
                $customer['lastName'], $customer['email'], $customer['mobilePhone'] ?? '-', $customer['birthDate'] ?? '-', $customer['sourceDateTimeUtc']);
        }
        echo "The orders Mindbox imported (GET /__emulator/bulk/orders):\n";
        foreach ($orders as $order) {
            $lines = array_map(static fn (array $line) => sprintf('%s × %s = %.2f %s', $line['productIds']['websiteID'], $line['quantity'],
                $line['priceOfLine'], $line['status']), $order['lines']);
            printf("  websiteID %s of customer websiteID %s, placed %s UTC, total %.2f: %s\n", $order['ids']['websiteID'],
                $order['customer']['ids']['websiteID'] ?? '-', $order['createdAt'], $order['totalPrice'], implode('; ', $lines));
        }
        return ['ok' => true, 'customers' => array_map(static fn (array $c) => (string)$c['ids']['websiteID'], $customers),
            'orders' => array_map(static fn (array $o) => (string)$o['ids']['websiteID'], $orders), 'tasks' => $tasks];
    }

    /** @return list<array> the emulator's control API under /__emulator/bulk/ */
    private static function control(string $baseUrl, string $path): array
    {
        $context = stream_context_create(['http' => ['timeout' => 10]]);
        $answer = json_decode((string)file_get_contents($baseUrl . '/__emulator/bulk/' . $path, false, $context), true);
        return is_array($answer) ? $answer : [];
    }
}
