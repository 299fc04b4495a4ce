<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\DB\Connection;
use Bitrix\Main\SiteTable;
use MindboxTests\Bitrix\Fakes\FakeCatalogue;
use Rustbox\Mindbox\Feed\Agent;
use Rustbox\Mindbox\Feed\FeedJob;

/**
 * The feed agent as the core's runner runs it: from cron (no request) the whole feed of every due site; inside a
 * visitor's hit one step of one run per call, called again soon; the next call when the interval is up.
 */
final class FeedAgentTest extends FeedTestCase
{
    public function testInsideAVisitorsHitEachCallIsOneStepAndTheRunIsNeverMadeWhole(): void
    {
        $catalogue = FakeCatalogue::install(40, 3);
        // Shorter than a page takes: a step reads one page.
        $this->shop->configure(['feed_step_seconds' => '0.000001', 'feed_interval_hours' => '0.25'], 's1');
        $this->shop->visit();

        $this->runAgents();
        $status = $this->job()->status();
        $this->assertTrue($status['running'], 'started, not finished');
        $this->assertNull($status['lastRun']);
        $this->assertGreaterThan(0, $status['done']);
        $this->assertLessThan($status['total'] / 3, $status['done'], 'one page of feed_page_size (7 of 40 products)');
        $this->assertSame(Agent::STEP_INTERVAL, $this->nextCallIn(), 'called again soon');

        $calls = 1;
        while ($this->job()->status()['running'] && $calls < 50) {
            $this->shop->visit();
            $this->runAgents();
            $calls++;
        }
        $summary = $this->job()->lastRun();
        $this->assertTrue($summary['ok'], implode('; ', $summary['errors']));
        $this->assertFileExists($this->job()->path());
        $this->assertGreaterThanOrEqual(4, $calls, 'a call per page (6 pages of 7 products), and the writing');
        $this->assertSame(count(self::sellableElements($catalogue)), $summary['offers']);
        $this->assertGreaterThan(Agent::STEP_INTERVAL, $this->nextCallIn(), 'the next run when the interval is up');
        $this->assertLessThanOrEqual(900, $this->nextCallIn());

        $this->shop->visit();
        $this->runAgents();
        $this->assertSame($summary, $this->job()->lastRun(), 'not due yet: nothing made');
    }

    public function testFromCronEveryDueSiteGetsItsWholeFeedAndTheAgentSleepsUntilTheNextIsDue(): void
    {
        FakeCatalogue::install(30, 3);
        SiteTable::fakeSet('s2', ['SERVER_NAME' => 'outlet.example']);
        $this->shop->configure(self::SETUP, 's2');
        $this->shop->leaveRequest();

        $this->runAgents();

        foreach (['s1', 's2'] as $siteId) {
            $summary = FeedJob::forSite($siteId)->lastRun();
            $this->assertTrue($summary['ok'] ?? false, "$siteId: " . json_encode($summary));
            $this->assertFileExists(FeedJob::forSite($siteId)->path());
        }
        $this->assertSame(Agent::IDLE_INTERVAL, $this->nextCallIn(), 'a day away, looked at again within the hour');
        $this->assertSame([], $this->eventLogDescriptions());

        $before = [FeedJob::forSite('s1')->lastRun(), FeedJob::forSite('s2')->lastRun()];
        $this->runAgents();
        $this->assertSame($before, [FeedJob::forSite('s1')->lastRun(), FeedJob::forSite('s2')->lastRun()], 'none due');
    }

    public function testASiteWithoutTheFeedIsLeftAlone(): void
    {
        FakeCatalogue::install(10, 3);
        $this->shop->configure(['feed_enabled' => 'N'], 's1');
        $this->shop->leaveRequest();

        $this->runAgents();

        $this->assertNull($this->job()->lastRun());
        $this->assertSame(Agent::IDLE_INTERVAL, $this->nextCallIn());
    }

    public function testARunAnotherProcessHoldsIsLeftToItAndLookedAtAgainSoon(): void
    {
        FakeCatalogue::install(10, 3);
        Connection::fakeHoldElsewhere('rustbox.mindbox.feed.s1');
        $this->shop->leaveRequest();

        $this->runAgents();

        $this->assertNull($this->job()->lastRun());
        $this->assertSame([], $this->eventLogDescriptions(), 'busy is no failure');
        $this->assertSame(Agent::STEP_INTERVAL, $this->nextCallIn());
        Connection::fakeHoldElsewhere('rustbox.mindbox.feed.s1', false);
    }

    public function testAFeedThatCannotBeMadeIsLoggedAndNotRetriedBeforeTheInterval(): void
    {
        FakeCatalogue::install(10, 3);
        $this->shop->configure(['feed_iblock_id' => ''], 's1');
        $this->shop->visit();

        $this->runAgents();

        $this->assertFalse($this->job()->lastRun()['ok']);
        $this->assertStringContainsString('feed_iblock_id', $this->job()->lastRun()['errors'][0]);
        $this->assertCount(1, $this->eventLogDescriptions());
        $this->assertStringContainsString('feed_iblock_id', $this->eventLogDescriptions()[0]);
        $this->assertSame(Agent::IDLE_INTERVAL, $this->nextCallIn());
    }

    public function testInstallingAgainKeepsTheAgentsScheduleOrPutsItBackAndUninstallingTakesItAway(): void
    {
        $this->shop->leaveRequest();
        $this->runAgents();
        $scheduled = $this->feedAgentRows();
        $this->assertCount(1, $scheduled);

        $this->shop->installModule();
        $this->assertSame($scheduled, $this->feedAgentRows(), 'the same agent, its next call kept');

        \CAgent::RemoveAgent(Agent::CALL, 'rustbox.mindbox');
        $this->shop->installModule();
        $this->assertCount(1, $this->feedAgentRows(), 'put back');
        $this->assertSame('N', array_values($this->feedAgentRows())[0]['IS_PERIOD']);

        $this->assertTrue($this->shop->uninstallModule());
        $this->assertSame([], $this->feedAgentRows());
    }

    private function feedAgentRows(): array
    {
        return array_filter(\CAgent::fakeRows(), static fn (array $row) => $row['NAME'] === Agent::CALL);
    }

    /** The core's runner, with the client's outbox agent beside the feed agent. */
    private function runAgents(): void
    {
        \CAgent::fakeRunAll();
    }

    /** Seconds from the feed agent's last call to its next one. */
    private function nextCallIn(): int
    {
        foreach (\CAgent::fakeRows() as $row) {
            if ($row['NAME'] === Agent::CALL) {
                return $row['NEXT_EXEC'] - $row['LAST_EXEC'];
            }
        }
        $this->fail('the feed agent is not scheduled');
    }
}
