<?php

namespace Rustbox\Mindbox\Feed;

use Bitrix\Main\SiteTable;
use Rustbox\Mindbox\Config\Settings;

/** Which sites have a feed (`feed_enabled`) and when each one's next run is due: what the agent and the CLI go by. */
final class Schedule
{
    /** @return list<string> the sites with feed_enabled, in the core's order of sites */
    public static function enabledSites(): array
    {
        $sites = array_column(SiteTable::getList(['select' => ['LID']])->fetchAll(), 'LID');
        return array_values(array_filter(array_map('strval', $sites), static fn (string $siteId) => Settings::forSite($siteId)->feed()->isEnabled()));
    }

    /**
     * Seconds until the site's next run is due: 0 while a run is in progress or before the first one, else what is
     * left of `feed_interval_hours` since the last run ended (a failed or cancelled one too, so that a setup that
     * cannot work is not retried on every call).
     */
    public static function dueIn(string $siteId, int $now): int
    {
        $status = FeedJob::forSite($siteId)->status();
        if ($status['running'] || $status['lastRun'] === null) {
            return 0;
        }
        $next = (int)$status['lastRun']['finished'] + Settings::forSite($siteId)->feed()->intervalSeconds();
        return max(0, $next - $now);
    }
}
