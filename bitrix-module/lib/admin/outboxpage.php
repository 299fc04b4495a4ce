<?php

namespace Rustbox\Mindbox\Admin;

use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Settings;

/** What the outbox admin page shows and does, one block per distinct client setup. */
final class OutboxPage
{
    public const FAILED_LIMIT = 100;

    /** @return list<array{siteId: string, stats: array, failed: array}> */
    public static function overview(): array
    {
        $blocks = [];
        foreach (Settings::distinctConfigured() as $settings) {
            $client = Mindbox::client($settings->siteId());
            $blocks[] = [
                'siteId' => $settings->siteId(),
                'stats' => $client->outboxStats(),
                'failed' => $client->failedItems(self::FAILED_LIMIT),
            ];
        }
        return $blocks;
    }

    /**
     * Moves parked items back to pending.
     *
     * @param list<int|string>|null $ids the items to retry, null for all of them
     * @return int how many were moved
     */
    public static function retry(string $siteId, ?array $ids): int
    {
        $ids = $ids === null ? null : array_values(array_filter(array_map('intval', $ids), static fn (int $id) => $id > 0));
        return Mindbox::client($siteId)->retryFailed($ids);
    }
}
