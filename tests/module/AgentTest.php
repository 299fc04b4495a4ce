<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Rustbox\Mindbox\Feed\Agent as FeedAgent;
use Rustbox\Mindbox\History\Agent as HistoryAgent;
use Rustbox\Mindbox\Outbox\Agent;

/** The flush agent as the core's agent runner runs it. */
final class AgentTest extends ModuleTestCase
{
    public function testTheAgentFlushesEachDistinctSetupOnceAndStaysScheduled(): void
    {
        $this->shop->configure(['endpoint_id' => 'outlet-website'], 's2');
        $this->shop->leaveRequest();

        \CAgent::fakeRunAll();
        \CAgent::fakeRunAll();

        $flushes = array_values(array_filter($this->calls, static fn ($c) => $c['method'] === 'flush'));
        $this->assertSame(['', 's2', '', 's2'], array_column($flushes, 'site'), 's1 shares the module-wide setup; s2 has its own');
        $this->assertSame([Agent::CALL, FeedAgent::CALL, HistoryAgent::CALL], array_column(\CAgent::fakeRows(), 'NAME'));
        $this->assertSame([], $this->eventLogDescriptions());
    }

    public function testTheAgentRunsWithoutAUser(): void
    {
        $seen = 'not run';
        \Rustbox\Mindbox\Mindbox::setClientFactory(function () use (&$seen) {
            $seen = $GLOBALS['USER'];
            throw new \RuntimeException('no client');
        });
        $this->shop->leaveRequest();

        \CAgent::fakeRunAll();

        $this->assertNull($seen, '$USER is null inside agents');
        $this->assertInstanceOf(\CUser::class, $GLOBALS['USER'], 'and restored afterwards');
        $this->assertSame([Agent::CALL, FeedAgent::CALL, HistoryAgent::CALL], array_column(\CAgent::fakeRows(), 'NAME'), 'a failing run keeps the agent');
        $this->assertSame(['RuntimeException: no client'], $this->eventLogDescriptions());
    }

    public function testInsideAVisitorsHitTheAgentDeliversNothing(): void
    {
        $this->shop->visit();

        \CAgent::fakeRunAll();

        $this->assertSame([], array_values(array_filter($this->calls, static fn ($c) => $c['method'] === 'flush')));
        $this->assertSame([Agent::CALL, FeedAgent::CALL, HistoryAgent::CALL], array_column(\CAgent::fakeRows(), 'NAME'), 'still scheduled, for cron');
    }

    public function testWhileMindboxRefusesTheKeyTheAdminIsToldAndTheNoticeGoesWhenItIsTakenAgain(): void
    {
        $this->outboxStats['credentialsRefused'] = true;
        $this->outboxStats['pending'] = 40;
        $this->shop->visit();

        \CAgent::fakeRunAll();

        $notices = $this->noticesOf('rustbox_mindbox_credentials_');
        $this->assertCount(1, $notices, 'told inside a hit too: it only reads the counters');
        $this->assertStringContainsString('refuses the secret key of site -', $notices[0]['MESSAGE']);
        $this->assertSame([], $this->callsOf('flush'));

        $this->outboxStats['credentialsRefused'] = false;
        $this->shop->leaveRequest();
        \CAgent::fakeRunAll();

        $this->assertSame([], $this->noticesOf('rustbox_mindbox_credentials_'));
        $this->assertCount(1, $this->callsOf('flush'));
    }

    public function testAnOutboxThatCannotBeOpenedIsShownToTheAdminUntilItCanBe(): void
    {
        $reason = 'cannot use the outbox /srv/shop/outbox.sqlite: its directory is writable by other users';
        $this->methodFailures['flush'] = new \MindboxOutboxException($reason);
        $this->shop->leaveRequest();

        \CAgent::fakeRunAll();

        $notices = $this->noticesOf('rustbox_mindbox_outbox_');
        $this->assertCount(1, $notices);
        $this->assertStringContainsString('outbox of site - cannot be used', $notices[0]['MESSAGE']);
        $this->assertStringContainsString($reason, $notices[0]['MESSAGE']);
        $this->assertSame(['MindboxOutboxException: ' . $reason], $this->eventLogDescriptions());
        $this->assertSame([Agent::CALL, FeedAgent::CALL, HistoryAgent::CALL], array_column(\CAgent::fakeRows(), 'NAME'));

        unset($this->methodFailures['flush']);
        \CAgent::fakeRunAll();

        $this->assertSame([], $this->noticesOf('rustbox_mindbox_outbox_'));
    }

    /** @return list<array> the admin notices whose tag starts with $prefix */
    private function noticesOf(string $prefix): array
    {
        return array_values(array_filter(
            \CAdminNotify::fakeRows(),
            static fn (array $n) => str_starts_with((string)($n['TAG'] ?? ''), $prefix),
        ));
    }
}
