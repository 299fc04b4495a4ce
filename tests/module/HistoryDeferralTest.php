<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Config\Option;
use Rustbox\Mindbox\History\JobState;

/**
 * Mindbox holding the imports back (429, 5xx, the hourly budget) and refusing one, through the job: a deferred part
 * is sent later under the transactionId it was sealed with, and a refused one stops the run until it is resumed.
 */
final class HistoryDeferralTest extends HistoryTestCase
{
    private const CUSTOMERS_IMPORT = 'DirectCrm.Customers.Import';

    public function testA429IsWaitedOutAndThePartSentUnderItsTransactionId(): void
    {
        $this->history(20, 0);
        self::$emulator->faults(['rules' => [['kind' => 'status', 'status' => 429, 'retryAfter' => 1, 'operation' => self::CUSTOMERS_IMPORT, 'times' => 1]]]);
        $states = [];

        $status = $this->job()->run(static function (array $status) use (&$states): void {
            $states[] = [$status['state'], $status['waitReason']];
        }, options: ['scope' => 'customers']);

        $this->assertTrue($status['lastRun']['ok']);
        $this->assertContains(['waiting', 'tooManyRequests'], $states, 'the run waited for Retry-After');
        $this->assertSame(array_column($status['lastRun']['parts'], 'transactionId'), array_column($this->tasks(), 'transactionId'));
        $this->assertSame(count(self::customerIds()), $this->assertTasksClean());
        $first = $status['lastRun']['parts'][0]['transactionId'];
        $tries = array_filter(self::$emulator->journal(), static fn (array $e) => str_contains(json_encode($e), $first));
        $this->assertCount(2, $tries, 'the refused try and the import, both under the part\'s transactionId');
    }

    public function testA5xxDefersTheStepAndALaterStepSendsThePartUnderItsTransactionId(): void
    {
        $this->history(20, 0);
        self::$emulator->faults(['rules' => [['kind' => 'status', 'status' => 503, 'operation' => self::CUSTOMERS_IMPORT, 'times' => 1]]]);
        $this->job()->start(['scope' => 'customers']);

        $status = $this->job()->step(60.0);
        $this->assertSame(['waiting', 'unavailable'], [$status['state'], $status['waitReason']]);
        $this->assertGreaterThanOrEqual(time() + 20, $status['retryAt'], 'delivery\'s backoff: 30 s, jittered');
        $deferred = $status['parts'][0]['transactionId'];
        $this->assertSame([], $this->tasks());

        $this->assertSame('waiting', $this->job()->step(60.0)['state'], 'no step sends before retryAt');
        $this->assertSame([], $this->tasks());

        $this->timePasses();
        $status = $this->job()->step(60.0);
        $this->assertFalse($status['running']);
        $this->assertSame($deferred, $this->tasks()[0]['transactionId'], 'sent under the transactionId it was sealed with');
        $this->assertSame(count(self::customerIds()), $this->assertTasksClean());
    }

    public function testTheHourlyBudgetHoldsTheRestForAnHourWithAnEstimateThatCountsIt(): void
    {
        $this->history(30, 0);
        $this->shop->configure(['history_imports_per_hour' => '2']);
        $this->job()->start(['scope' => 'customers']);

        $status = $this->job()->step(60.0);

        $this->assertSame(['waiting', 'budget'], [$status['state'], $status['waitReason']]);
        $this->assertCount(2, $this->tasks(), 'two imports an hour');
        $this->assertGreaterThan(time() + 3500, $status['retryAt'], 'until the first of them is an hour old');
        $this->assertGreaterThanOrEqual(2, $status['estimate']['partsLeft']);
        $this->assertGreaterThanOrEqual($status['retryAt'] - time(), $status['estimate']['seconds']);
        $this->assertSame(2, \Rustbox\Mindbox\Mindbox::client('s1')->outboxStats()['bulkImportsLastHour']);
    }

    public function testARefusedPartStopsTheRunFailedWithItsAnswerUntilResumed(): void
    {
        $this->history(10, 12);
        self::$emulator->faults(['rules' => [['kind' => 'status', 'status' => 400, 'operation' => 'RetailOrder.Import', 'times' => 1]]]);

        $status = $this->job()->run(options: ['scope' => 'orders']);

        $this->assertSame('failed', $status['state']);
        $this->assertStringStartsWith('Mindbox refused part orders-0001.csv: HTTP 400', $status['error']);
        $this->assertSame(400, $status['parts'][0]['answer']['httpStatus']);
        $refused = $status['parts'][0]['transactionId'];
        $this->assertSame('failed', $this->job()->step(60.0)['state'], 'a failed run waits to be resumed');

        $this->job()->resume();
        $status = $this->job()->run();
        $this->assertTrue($status['lastRun']['ok']);
        $this->assertSame($refused, $this->tasks()[0]['transactionId']);
        $this->assertEquals(self::expectedLines(), $this->importedLines());
    }

    /** What the clock would do: the run's retryAt is now past. */
    private function timePasses(): void
    {
        $state = json_decode(Option::getRealValue('rustbox.mindbox', JobState::OPTION, 's1'), true);
        $state['retryAt'] = time() - 1;
        Option::set('rustbox.mindbox', JobState::OPTION, json_encode($state), 's1');
    }
}
