<?php

namespace Rustbox\Mindbox;

/**
 * The flush agent: delivers what the outbox holds when no request is running (agents on cron), and keeps the
 * "extension missing" notice current. It runs with $USER === null, so it touches no user state.
 */
final class Agent
{
    public const CALL = '\\Rustbox\\Mindbox\\Agent::flush();';
    public const INTERVAL = 60;

    /** Seconds one run may spend delivering; agents run inside hits unless moved to cron. */
    private const FLUSH_SECONDS = 5.0;

    public static function flush(): string
    {
        Guard::run('agent', static function (): void {
            Notices::checkExtension();
            if (!Mindbox::isAvailable()) {
                return;
            }
            foreach (Settings::distinctConfigured() as $settings) {
                $siteId = $settings->siteId();
                Guard::run('agent:' . $siteId, static fn () => Mindbox::client($siteId)->flush(self::FLUSH_SECONDS));
            }
        });
        // Returning its own call string is what keeps a Bitrix agent scheduled.
        return self::CALL;
    }
}
