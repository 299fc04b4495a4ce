<?php

namespace Rustbox\Mindbox\Feed;

use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Support\AgentContext;
use Rustbox\Mindbox\Support\Guard;

/**
 * The feed agent: makes the feed of every site with `feed_enabled` every `feed_interval_hours`. Run from cron
 * (AgentContext), it makes each due feed whole, one after another. Inside a visitor's hit it never does: it carries one
 * site's run on by one step of `feed_step_seconds` (starting it when due) and asks to be called again soon, so a large
 * catalogue is read across many hits, a few seconds each. The last step, which writes the file from what was read, runs
 * to its end wherever it runs. A run another process holds (the admin page, the CLI, the other agent runner) is left
 * to it.
 */
final class Agent
{
    /** What b_agent keeps and the core evaluates; a run returns it to stay scheduled. */
    public const CALL = '\\' . self::class . '::run();';
    /** Seconds to the next call while a run goes on in steps. */
    public const STEP_INTERVAL = 30;
    /** The longest wait between calls: a feed switched on, or an interval shortened, is seen within it. */
    public const IDLE_INTERVAL = 3600;

    public static function run(): string
    {
        $next = self::IDLE_INTERVAL;
        Guard::run('feed agent', static function () use (&$next): void {
            AgentContext::isVisitorHit() ? self::stepInHit() : self::runFromCron();
            $next = self::nextCall();
        });
        // The core's runner schedules the next call $pPERIOD seconds after this one (main/classes/mysql/agent.php:
        // "these vars can be assigned within agent code"), from the agent's interval unless the agent changes it.
        $GLOBALS['pPERIOD'] = $next;
        return self::CALL;
    }

    private static function runFromCron(): void
    {
        foreach (Schedule::enabledSites() as $siteId) {
            if (Schedule::dueIn($siteId, time()) === 0) {
                self::guarded($siteId, static fn () => FeedJob::forSite($siteId)->run());
            }
        }
    }

    /** One step of the first due site's run. */
    private static function stepInHit(): void
    {
        foreach (Schedule::enabledSites() as $siteId) {
            if (Schedule::dueIn($siteId, time()) > 0) {
                continue;
            }
            self::guarded($siteId, static function () use ($siteId): void {
                $job = FeedJob::forSite($siteId);
                if (!$job->status()['running']) {
                    $job->start();
                }
                $job->step(Settings::forSite($siteId)->feed()->stepSeconds());
            });
            return;
        }
    }

    /** Soon while some site's run is in progress or due, else when the next one is due (IDLE_INTERVAL at most). */
    private static function nextCall(): int
    {
        $next = self::IDLE_INTERVAL;
        foreach (Schedule::enabledSites() as $siteId) {
            $next = min($next, Schedule::dueIn($siteId, time()));
        }
        return max(self::STEP_INTERVAL, $next);
    }

    /** A failure is logged (the run's summary has it too); a run another process holds is no failure. */
    private static function guarded(string $siteId, callable $work): void
    {
        Guard::run('feed agent: ' . $siteId, static function () use ($work): void {
            try {
                $work();
            } catch (FeedBusyException) {
                // Its holder carries it on.
            }
        });
    }
}
