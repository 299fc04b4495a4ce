<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Sale\Basket;
use MindboxTests\Bitrix\Fakes\FakeCatalogue;
use MindboxTests\Bitrix\Fakes\FakeHistory;
use Rustbox\Mindbox\History\HistoryJob;

/**
 * A shop with a history (FakeHistory over FakeCatalogue's products) exported by the module's HistoryJob through the
 * real extension (MindboxCsvWriter, importBulk()) into the emulator, with parts of a few rows so that a small history
 * makes several. What Mindbox imported is compared with what the fake shop holds, computed here from its rows.
 */
abstract class HistoryTestCase extends EndToEndTestCase
{
    protected const SETUP = ['history_part_rows' => '7', 'history_page_size' => '4', 'history_gzip_customers' => 'Y', 'history_gzip_orders' => 'N'];

    protected string $parts;

    protected function setUp(): void
    {
        parent::setUp();
        $this->parts = sys_get_temp_dir() . '/rustbox-history-' . getmypid() . '-' . bin2hex(random_bytes(4));
        $this->shop->configure(['history_directory' => $this->parts] + self::SETUP);
    }

    protected function tearDown(): void
    {
        exec('rm -rf ' . escapeshellarg($this->parts));
        parent::tearDown();
    }

    protected function history(int $users = 30, int $orders = 40, int $seed = 7): FakeHistory
    {
        return FakeHistory::install($users, $orders, $seed, FakeCatalogue::install(12, 3));
    }

    protected function job(): HistoryJob
    {
        return HistoryJob::forSite('s1');
    }

    /** The whole export in this process; its summary, which must say it went well. */
    protected function export(array $options = []): array
    {
        $status = $this->job()->run(options: $options);
        $this->assertFalse($status['running'], 'the run ended');
        $this->assertTrue($status['lastRun']['ok'], implode('; ', $status['lastRun']['errors']));
        return $status['lastRun'];
    }

    /** @return list<array> the emulator's import tasks, oldest first */
    protected function tasks(): array
    {
        return self::$emulator->bulk('tasks');
    }

    /** @return array<string, array> what Mindbox imported of customers (or orders), by websiteID */
    protected function imported(string $what): array
    {
        $imported = [];
        foreach (self::$emulator->bulk($what) as $record) {
            $id = (string)$record['ids']['websiteID'];
            $this->assertArrayNotHasKey($id, $imported, "$what $id once");
            $imported[$id] = $record;
        }
        ksort($imported);
        return $imported;
    }

    /** Every task done, none of its rows rejected, each transactionId once; the rows they accepted. */
    protected function assertTasksClean(): int
    {
        $tasks = $this->tasks();
        foreach ($tasks as $task) {
            $this->assertSame(['Done', 0, []], [$task['status'], $task['rejected'], $task['errors']], json_encode($task));
        }
        $ids = array_column($tasks, 'transactionId');
        $this->assertSame(array_unique($ids), $ids, 'no part imported twice');
        return array_sum(array_column($tasks, 'accepted'));
    }

    /** @return list<string> the users that are customers (active, of no technical kind), by the fake's rows */
    protected static function customerIds(): array
    {
        $ids = [];
        foreach (\CUser::fakeRows() as $id => $row) {
            if ($row['ACTIVE'] === 'Y' && ($row['EXTERNAL_AUTH_ID'] ?? '') === '') {
                $ids[] = (string)$id;
            }
        }
        sort($ids);
        return $ids;
    }

    /**
     * The lines each order must have in Mindbox, by the fake's basket rows: those that can be bought and are not put
     * aside, at their price times their quantity.
     *
     * @param int $below the first order id not exported
     * @return array<string, list<array{lineId: string, productIds: array, quantity: float, priceOfLine: float}>>
     */
    protected static function expectedLines(int $below = PHP_INT_MAX): array
    {
        $lines = [];
        foreach (Basket::fakeStoredRows() as $row) {
            $orderId = (int)($row['ORDER_ID'] ?? 0);
            if ($orderId > 0 && $orderId < $below && $row['CAN_BUY'] === 'Y' && $row['DELAY'] === 'N') {
                $lines[(string)$orderId][] = ['lineId' => (string)$row['ID'], 'productIds' => ['websiteID' => (string)$row['PRODUCT_XML_ID']],
                    'quantity' => (float)$row['QUANTITY'], 'priceOfLine' => round((float)$row['PRICE'] * (float)$row['QUANTITY'], 2)];
            }
        }
        ksort($lines);
        return $lines;
    }

    /** @return array<string, list<array>> the lines Mindbox has, in the same shape */
    protected function importedLines(): array
    {
        return array_map(static fn (array $order) => array_map(static fn (array $line) => [
            'lineId' => (string)$line['lineId'],
            'productIds' => $line['productIds'],
            'quantity' => (float)$line['quantity'],
            'priceOfLine' => (float)$line['priceOfLine'],
        ], $order['lines']), $this->imported('orders'));
    }
}
