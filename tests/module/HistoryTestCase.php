<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Config\Option;
use Bitrix\Sale\Basket;
use MindboxTests\Bitrix\Fakes\FakeCatalogue;
use MindboxTests\Bitrix\Fakes\FakeHistory;
use MindboxTests\Bitrix\Fakes\FakeSite;
use MindboxTests\Support\Binaries;
use MindboxTests\Support\ProcessGroup;
use Rustbox\Mindbox\History\HistoryJob;
use Rustbox\Mindbox\History\JobState;

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
        // The parts' folder, and the options file and hooks the command-line tests keep beside it.
        exec('rm -rf ' . implode(' ', array_map('escapeshellarg', [$this->parts, ...(glob($this->parts . '.*') ?: [])])));
        parent::tearDown();
    }

    protected function history(int $users = 30, int $orders = 40, int $seed = 7): FakeHistory
    {
        return FakeHistory::install($users, $orders, $seed, FakeCatalogue::install(12, 3));
    }

    /**
     * The same shop for tools/history.php in processes of its own (FakeSite): the history (FakeHistory's arguments) on
     * the catalogue history() installs, the module's options as set here, b_option kept in a file that every process
     * of the site shares (so a run one process left is the next one's), PHP files to include.
     */
    protected function site(array $history, array $include = [], array $extra = []): array
    {
        FakeSite::create($this->shop->documentRoot);
        $this->history(...$history);
        return $extra + ['catalogue' => [12, 3], 'history' => $history, 'options' => ['-' => Option::fakeAll()['rustbox.mindbox']['']],
            'optionsFile' => $this->parts . '.options.json', 'include' => $include];
    }

    /** The command line in a process of its own, started: stop() or wait() it; its stdout and stderr in $name.out and .err. */
    protected function startCommand(array $args, array $site, string $name = 'cli'): ProcessGroup
    {
        $root = $this->shop->documentRoot;
        return ProcessGroup::start([PHP_BINARY, '-d', 'extension=' . Binaries::extension(), $root . '/local/modules/rustbox.mindbox/tools/history.php',
            ...$args, '--document-root=' . $root], [0 => ['file', '/dev/null', 'r'], 1 => ['file', "$root/$name.out", 'w'], 2 => ['file', "$root/$name.err", 'w']],
            FakeSite::environment($site) + array_diff_key(getenv(), ['DOCUMENT_ROOT' => true]));
    }

    /** @return array{0: int, 1: string, 2: string} the command's exit status, stdout and stderr */
    protected function command(array $args, array $site): array
    {
        $process = $this->startCommand($args, $site);
        try {
            $status = $process->wait(120);
            $this->assertNotNull($status, 'the command ended');
        } finally {
            $process->stop();
        }
        return [$status, (string)file_get_contents($this->shop->documentRoot . '/cli.out'), (string)file_get_contents($this->shop->documentRoot . '/cli.err')];
    }

    /** The run the site's processes left in the shared options file, or null. */
    protected function sharedRun(array $site): ?array
    {
        $options = json_decode((string)@file_get_contents($site['optionsFile']), true);
        $run = json_decode((string)($options['rustbox.mindbox']['s1'][JobState::OPTION] ?? ''), true);
        return is_array($run) ? $run : null;
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

    /** Every customer and every order line imported once, nothing rejected, no part twice. */
    protected function assertWhole(): void
    {
        $this->assertSame(count(self::customerIds()) + array_sum(array_map('count', self::expectedLines())), $this->assertTasksClean());
        $this->assertSame(self::customerIds(), array_map('strval', array_keys($this->imported('customers'))));
        $this->assertEquals(self::expectedLines(), $this->importedLines());
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
