<?php

namespace Rustbox\Mindbox\Admin;

use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Mindbox;

/** What the outbox admin page shows and does, one block per distinct client setup. */
final class OutboxPage
{
    public const FAILED_LIMIT = 100;

    /**
     * @param array<string, int|string> $after per site, the last item id of the page before
     * @return list<array{siteId: string, stats: array, failed: array, after: int, nextAfter: int|null}>
     *     `nextAfter` is where the next page starts, null on the last one
     */
    public static function overview(array $after = []): array
    {
        $blocks = [];
        foreach (Settings::distinctConfigured() as $settings) {
            $siteId = $settings->siteId();
            $client = Mindbox::client($siteId);
            $from = max(0, (int)($after[$siteId] ?? 0));
            $failed = $client->failedItems(self::FAILED_LIMIT, $from);
            $blocks[] = [
                'siteId' => $siteId,
                'stats' => $client->outboxStats(),
                'failed' => $failed,
                'after' => $from,
                'nextAfter' => count($failed) === self::FAILED_LIMIT ? (int)end($failed)['id'] : null,
            ];
        }
        return $blocks;
    }

    /**
     * One parked item, as failedItems() lists it, or null when it is not parked (delivered, pending, sent again): the
     * list pages by id, so the page of one item after the id before it is that item if it is parked.
     */
    public static function failedItem(string $siteId, int $id): ?array
    {
        $item = $id > 0 ? (Mindbox::client($siteId)->failedItems(1, $id - 1)[0] ?? null) : null;
        return $item !== null && (int)$item['id'] === $id ? $item : null;
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
