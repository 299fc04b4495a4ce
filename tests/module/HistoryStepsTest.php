<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\DB\Connection;
use Rustbox\Mindbox\History\Agent;
use Rustbox\Mindbox\History\HistoryBusyException;
use Rustbox\Mindbox\History\HistoryException;

/**
 * A run carried on in steps, each a request of its own, as the admin page and the agent make it: paused and resumed,
 * stopped by an error and resumed once it is fixed, cancelled, held by another process.
 */
final class HistoryStepsTest extends HistoryTestCase
{
    public function testARunInStepsPausedAndResumedExportsEverythingOnce(): void
    {
        $this->history(20, 16);
        $oneRun = self::partRows($this->job()->run(options: ['dryRun' => true])['lastRun']['parts']);
        $this->job()->cancel();
        $this->job()->start();
        for ($step = 0; $this->job()->status()['running']; $step++) {
            $this->shop->visit();
            $status = $this->job()->step(0.0);
            if ($step === 3) {
                $this->job()->pause();
                $sent = count($this->tasks());
                $this->assertSame('paused', $this->job()->step(0.0)['state']);
                $this->assertSame($sent, count($this->tasks()), 'a paused run does nothing');
                $this->job()->resume();
            }
            $this->assertLessThan(60, $step, 'the run ends');
        }
        $this->assertGreaterThan(10, $step, 'a page a step');
        $this->assertFalse($status['running']);
        $this->assertTrue($this->job()->lastRun()['ok']);
        $this->assertWhole();
        $this->assertGreaterThan(2, count($oneRun['orders']));
        $this->assertSame($oneRun, self::partRows($this->job()->lastRun()['parts']), 'a step carries its part on: the parts of one run');
    }

    public function testAStepWhosePartWasRemovedWritesThePartAgainFromItsStart(): void
    {
        $this->history(20, 16);
        $this->job()->start(['scope' => 'orders']);
        $this->job()->step(0.0);
        $directory = $this->job()->status()['directory'];
        $temporary = array_values(preg_grep('/^\.orders-\d{4}\.csv\.tmp$/', scandir($directory)));
        $this->assertCount(1, $temporary, 'the step left its part for the next: ' . implode(', ', scandir($directory)));
        unlink("$directory/$temporary[0]");
        $this->assertFalse($this->job()->run()['running']);
        $this->assertEquals(self::expectedLines(), $this->importedLines());
        $this->assertTasksClean();
    }

    /** @return array<string, list<int>> the rows of each entity's parts, in order */
    private static function partRows(array $parts): array
    {
        $rows = [];
        foreach ($parts as $part) {
            $rows[$part['entity']][] = $part['rows'];
        }
        return $rows;
    }

    public function testAnErrorStopsTheRunFailedAndOnceFixedItGoesOnWhereItStopped(): void
    {
        $this->history(10, 16);
        $this->job()->start(['scope' => 'orders']);
        $this->job()->step(0.0);
        $this->shop->configure(['status_map' => json_encode(['N' => 'CheckedOut', 'F' => 'Delivered'])]);

        try {
            $this->job()->run();
            $this->fail('the run went on');
        } catch (\UnexpectedValueException $e) {
            $this->assertMatchesRegularExpression('~^Order \d+: status "P" has no Mindbox status in the status map \(status_map\)$~', $e->getMessage());
        }
        $status = $this->job()->status();
        $this->assertSame(['failed', $e->getMessage()], [$status['state'], $status['error']]);

        $this->shop->configure(['status_map' => json_encode(self::STATUS_MAP)]);
        $this->job()->resume();
        $this->assertFalse($this->job()->run()['running']);
        $this->assertEquals(self::expectedLines(), $this->importedLines());
        $this->assertTasksClean();
    }

    public function testCancelDropsTheRunAndItsPartsAndAnotherProcessStepHoldsItBusy(): void
    {
        $this->history(20, 0);
        $this->job()->start(['dryRun' => true]);
        $directory = $this->job()->step(0.0)['directory'];
        $this->assertNotSame([], array_diff(scandir($directory), ['.', '..']));
        $this->expectBusy(fn () => $this->job()->start(), 'A history run of site "s1" started at ');

        Connection::fakeHoldElsewhere('rustbox.mindbox.history.s1');
        $this->expectBusy(fn () => $this->job()->step(), 'A step of the history run of site "s1" runs in another process');
        $this->expectBusy(fn () => $this->job()->cancel(), 'A step of the history run of site "s1" runs in another process');
        Connection::fakeHoldElsewhere('rustbox.mindbox.history.s1', false);

        $this->job()->cancel();
        $this->assertFalse($this->job()->status()['running']);
        $this->assertSame(['The run was cancelled'], $this->job()->lastRun()['errors']);
        $this->assertSame([], array_values(array_diff(scandir($directory), ['.', '..'])));
        $this->expectException(HistoryException::class);
        $this->job()->resume();
    }

    public function testTheAgentStepsARunningRunInAHitAndComesBackWhenMindboxLetsIt(): void
    {
        $this->history(20, 8);
        $this->assertSame(Agent::CALL, Agent::run());
        $this->assertSame(Agent::IDLE_INTERVAL, $GLOBALS['pPERIOD'], 'no run: the agent looks again within the hour');

        $this->shop->configure(['history_step_seconds' => '0.000001']);
        $this->job()->start();
        $this->shop->visit();
        Agent::run();
        $status = $this->job()->status();
        $this->assertGreaterThan(0, $status['read']['customers'], 'a step in the hit');
        $this->assertSame(Agent::STEP_INTERVAL, $GLOBALS['pPERIOD']);

        $this->shop->configure(['history_imports_per_hour' => '1']);
        \Rustbox\Mindbox\Mindbox::reset();
        $this->shop->leaveRequest();
        Agent::run();
        $status = $this->job()->status();
        $this->assertSame(['waiting', 'budget'], [$status['state'], $status['waitReason']], 'from cron, until Mindbox holds it back');
        $this->assertEqualsWithDelta($status['retryAt'] - time(), $GLOBALS['pPERIOD'], 2, 'called again when it may send');
    }

    private function expectBusy(callable $call, string $message): void
    {
        try {
            $call();
            $this->fail('not busy');
        } catch (HistoryBusyException $e) {
            $this->assertStringStartsWith($message, $e->getMessage());
        }
    }
}
