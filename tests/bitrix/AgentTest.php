<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Rustbox\Mindbox\Agent;

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
        $this->assertSame([Agent::CALL], array_column(\CAgent::fakeRows(), 'NAME'));
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
        $this->assertSame([Agent::CALL], array_column(\CAgent::fakeRows(), 'NAME'), 'a failing run keeps the agent');
        $this->assertSame(['RuntimeException: no client'], $this->eventLogDescriptions());
    }

    public function testInsideAVisitorsHitTheAgentDeliversNothing(): void
    {
        $this->shop->visit();

        \CAgent::fakeRunAll();

        $this->assertSame([], array_values(array_filter($this->calls, static fn ($c) => $c['method'] === 'flush')));
        $this->assertSame([Agent::CALL], array_column(\CAgent::fakeRows(), 'NAME'), 'still scheduled, for cron');
    }
}
