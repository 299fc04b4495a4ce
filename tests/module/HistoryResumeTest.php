<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

/**
 * A run killed (SIGKILL to the command line's process) and carried on by the next command: nothing lost, nothing
 * imported twice, a part that was sealed sent under its own transactionId, a part half-written written again.
 */
final class HistoryResumeTest extends HistoryTestCase
{
    public function testAPartWhoseSendHungIsSentUnderItsTransactionIdByTheNextProcess(): void
    {
        $site = $this->site([12, 14, 3]);
        self::$emulator->faults(['rules' => [['kind' => 'hang', 'operation' => 'RetailOrder.Import', 'times' => 1]]]);
        $process = $this->startCommand(['--site=s1'], $site);
        try {
            $this->waitFor(fn () => self::$emulator->stats()['faults'] >= 1, 'the first orders part hangs in its send');
            $hung = array_values(array_filter($this->sharedRun($site)['parts'], static fn (array $p) => $p['entity'] === 'orders'));
            $this->assertSame(['orders-0001.csv', 'sealed'], [$hung[0]['file'], $hung[0]['state']], 'recorded before it was sent');
            $process->signal(SIGKILL);
            $this->assertNotNull($process->wait(10));
        } finally {
            $process->stop();
        }
        self::$emulator->clearFaults();
        $this->assertSame([], array_column(array_filter($this->tasks(), static fn (array $t) => $t['operation'] === 'RetailOrder.Import'), 'transactionId'));

        [$status, $out, $err] = $this->command(['--site=s1'], $site);

        $this->assertSame(0, $status, $err);
        $this->assertStringStartsWith('History s1: ', $out);
        $orders = array_values(array_filter($this->tasks(), static fn (array $t) => $t['operation'] === 'RetailOrder.Import'));
        $this->assertSame($hung[0]['transactionId'], $orders[0]['transactionId'], 'the part that hung, under its own transactionId');
        $this->assertWhole();
    }

    public function testARunKilledInTheMiddleOfAPartWritesThatPartAgainAndLosesOrDoublesNothing(): void
    {
        $hook = $this->parts . '.kill.php';
        $marker = $this->parts . '.killed';
        // The first process dies while it maps the orders' lines: the 30th line's product id is its last act.
        file_put_contents($hook, '<?php \Bitrix\Main\EventManager::getInstance()->addEventHandler("rustbox.mindbox", "OnGetProductId", static function () {'
            . ' static $lines = 0; if (++$lines === 30 && !file_exists(' . var_export($marker, true) . ')) { touch(' . var_export($marker, true) . ');'
            . ' posix_kill(getmypid(), SIGKILL); } });');
        $site = $this->site([12, 20, 3], [$hook]);

        [$status] = $this->command(['--site=s1'], $site);
        $this->assertNotSame(0, $status);
        $this->assertFileExists($marker, 'killed by its hook');
        $left = $this->sharedRun($site);
        $this->assertSame('orders', $left['phase']);
        $this->assertGreaterThan($left['open']['fromId'], $left['cursor'], 'rows of the open part were written');
        $this->assertFileExists(sprintf('%s/history/s1/.orders-%04d.csv.tmp', $this->parts, $left['open']['part']), 'the part it was writing, unsealed');
        $sent = count($this->tasks());

        [$status, , $err] = $this->command(['--site=s1'], $site);

        $this->assertSame(0, $status, $err);
        $this->assertGreaterThan($sent, count($this->tasks()));
        $this->assertWhole();
        $this->assertSame([], array_values(array_diff(scandir($this->parts . '/history/s1'), ['.', '..'])), 'nothing left behind');
    }

    private function waitFor(callable $condition, string $what): void
    {
        $deadline = microtime(true) + 60;
        while (!$condition()) {
            $this->assertLessThan($deadline, microtime(true), $what);
            usleep(50_000);
        }
    }
}
