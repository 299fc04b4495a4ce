<?php

namespace Rustbox\Mindbox\Outbox;

use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Support\AgentContext;
use Rustbox\Mindbox\Support\Guard;
use Rustbox\Mindbox\Support\Notices;

/**
 * The flush agent: keeps the admin notices current (the extension missing, an outbox that cannot be opened, a secret
 * key Mindbox refuses) and, run from cron, delivers what the outbox holds. Bitrix runs agents inside visitors' hits
 * unless they are moved to cron (cron_events.php, BX_CRONTAB); inside a hit it delivers nothing, so that no shopper
 * waits for it: the extension's own background delivery does that work, and only the outbox's counters are read.
 * It runs with $USER === null, so it touches no user state.
 */
final class Agent
{
    /** What b_agent keeps and the core evaluates; a run returns it to stay scheduled. */
    public const CALL = '\\' . self::class . '::flush();';
    public const INTERVAL = 60;

    /** Seconds one cron run may spend delivering. */
    private const FLUSH_SECONDS = 30.0;

    public static function flush(): string
    {
        Guard::run('agent', static function (): void {
            Notices::checkExtension(Mindbox::isExtensionLoaded());
            if (!Mindbox::isAvailable()) {
                return;
            }
            $deliver = !AgentContext::isVisitorHit();
            foreach (Settings::distinctConfigured() as $settings) {
                $siteId = $settings->siteId();
                Guard::run('agent:' . $siteId, static fn () => self::run($siteId, $deliver));
            }
        });
        // Returning its own call string is what keeps a Bitrix agent scheduled.
        return self::CALL;
    }

    private static function run(string $siteId, bool $deliver): void
    {
        try {
            $client = Mindbox::client($siteId);
            if ($deliver) {
                $client->flush(self::FLUSH_SECONDS);
            }
            $stats = $client->outboxStats();
        } catch (\MindboxOutboxException $e) {
            Notices::outboxUnusable($siteId, $e->getMessage());
            throw $e;
        }
        Notices::outboxUsable($siteId);
        Notices::credentials($siteId, $stats);
    }
}
