<?php

namespace Rustbox\Mindbox\History;

use Bitrix\Main\SiteTable;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Support\AgentContext;
use Rustbox\Mindbox\Support\Guard;

/**
 * The history agent: carries on each site's running export (started on the admin page or by the command line, or
 * left there by a command line that was stopped) a step at a time, never before Mindbox lets it send again. Inside a
 * visitor's hit a step is `history_step_seconds` of one site's run; from cron (AgentContext) each site's run gets a
 * step of CRON_STEP_SECONDS, so that the other agents of cron_events.php are not held up for hours. Each step seals
 * the part it wrote, so parts made this way are as large as a step's work (the command line makes full ones). A run
 * another process holds is left to it; a paused or failed one waits for the admin page.
 */
final class Agent
{
    /** What b_agent keeps and the core evaluates; a run returns it to stay scheduled. */
    public const CALL = '\\' . self::class . '::run();';
    /** Seconds to the next call while a run goes on in steps. */
    public const STEP_INTERVAL = 30;
    /** The longest wait between calls: a run started elsewhere is picked up within it. */
    public const IDLE_INTERVAL = 3600;
    public const CRON_STEP_SECONDS = 50.0;

    public static function run(): string
    {
        $next = self::IDLE_INTERVAL;
        Guard::run('history agent', static function () use (&$next): void {
            $inHit = AgentContext::isVisitorHit();
            foreach (self::due() as $siteId) {
                self::guarded($siteId, $inHit ? Settings::forSite($siteId)->history()->stepSeconds() : self::CRON_STEP_SECONDS);
                if ($inHit) {
                    break;
                }
            }
            $next = self::nextCall();
        });
        // The core's runner schedules the next call $pPERIOD seconds after this one (main/classes/mysql/agent.php).
        $GLOBALS['pPERIOD'] = $next;
        return self::CALL;
    }

    /** @return list<string> the sites whose run is running and may send now */
    private static function due(): array
    {
        return array_map('strval', array_keys(array_filter(self::running(), static fn (JobState $run) => ($run->retryAt ?? 0) <= time())));
    }

    /** @return array<string, JobState> the running runs, by site */
    private static function running(): array
    {
        $runs = [];
        foreach (array_column(SiteTable::getList(['select' => ['LID']])->fetchAll(), 'LID') as $siteId) {
            $run = JobState::load((string)$siteId);
            if ($run !== null && $run->status === JobState::RUNNING) {
                $runs[(string)$siteId] = $run;
            }
        }
        return $runs;
    }

    /** Soon while a run may go on, when Mindbox lets the first waiting one send, else IDLE_INTERVAL. */
    private static function nextCall(): int
    {
        $next = self::IDLE_INTERVAL;
        foreach (self::running() as $run) {
            $next = min($next, max(self::STEP_INTERVAL, ($run->retryAt ?? 0) - time()));
        }
        return $next;
    }

    /** A failure is logged (the run is left failed, with its error); a run another process holds is no failure. */
    private static function guarded(string $siteId, float $seconds): void
    {
        Guard::run('history agent: ' . $siteId, static function () use ($siteId, $seconds): void {
            try {
                HistoryJob::forSite($siteId)->step($seconds);
            } catch (HistoryBusyException) {
                // Its holder carries it on.
            }
        });
    }
}
