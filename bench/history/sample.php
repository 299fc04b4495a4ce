<?php

declare(strict_types=1);

use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\History\CustomerReader;
use Rustbox\Mindbox\History\JobState;
use Rustbox\Mindbox\History\OrderReader;
use Rustbox\Mindbox\History\Setup;
use Rustbox\Mindbox\Mappers\CustomerRow;
use Rustbox\Mindbox\Mappers\OrderRows;
use Rustbox\Mindbox\Shop\Customers;

/**
 * The rows the writer benchmark writes (bench/history_writer.php), as a run of the history makes them: a history shop
 * of about $records users or orders (BenchHistoryShop, on the tests' fake core), read a page at a time by the module's
 * readers and mapped by its mappers (CustomerRow of the customers among the users, OrderRows: a row a line), each
 * page's rows one batch; the columns and the parts' limits are the run's own (Setup::of()). The shop knows no
 * subscriptions, so IsSubscribed stays empty, as in a shop without the subscribe and sender modules. Every row holds
 * every column, in order, so that the PHP loop can write it as it comes.
 *
 * @param 'customers'|'orders' $entity
 * @return array{columns: array<string, string>, partBytes: int, partRows: int, batches: list<list<array<string, scalar|null>>>}
 */
function bench_history_sample(string $entity, int $records, string $directory): array
{
    $shop = BenchHistoryShop::openShop($directory);
    try {
        $settings = Settings::forSite('s1');
        // Orders of 2.5 lines on average: about $records orders; the window holds them all, nothing is dropped.
        $history = new BenchHistoryShop($records, (int)(2.5 * $records), 3 * $records);
        $history->install($settings);
        $setup = Setup::of($settings, ['dryRun' => true]);
        $pageSize = $setup['pageSize'];
        $batches = [];
        $after = 0;
        if ($entity === JobState::CUSTOMERS) {
            $reader = new CustomerReader($setup['bounds'][$entity], null, $pageSize);
            $mapper = new CustomerRow($settings, $setup['dateFormat'], $setup['dayFormat'], $setup['pointOfContact']);
            while (($users = $reader->page($after)) !== []) {
                $after = (int)end($users)['ID'];
                $batches[] = array_map(static fn (array $user) => $mapper->row($user, null), array_values(array_filter($users, Customers::isCustomer(...))));
            }
        } else {
            $reader = new OrderReader('s1', $setup['bounds'][$entity], null, $pageSize);
            $mapper = new OrderRows($settings, $setup['dateFormat'], $setup['pointOfContact']);
            while (($orders = $reader->page($after)) !== []) {
                $after = end($orders)->getId();
                $batches[] = array_merge(...array_map($mapper->rows(...), $orders));
            }
        }
    } finally {
        $shop->close();
    }
    $columns = $setup['columns'][$entity];
    // Every row in the columns' order, a column it lacks (a guest's order has no customer ids) empty: the fputcsv loop
    // writes the values as they come, the writer by their names.
    $blank = array_fill_keys(array_keys($columns), null);
    $batches = array_map(static fn (array $batch) => array_map(static fn (array $row) => array_replace($blank, $row), $batch), $batches);
    foreach (array_merge(...$batches) as $row) {
        if (count($row) !== count($blank)) {
            bench_fail(sprintf('a %s row has columns beyond %s', $entity, implode(',', array_keys($columns))));
        }
    }
    return ['columns' => $columns, 'partBytes' => $setup['partBytes'], 'partRows' => $setup['partRows'], 'batches' => $batches];
}
