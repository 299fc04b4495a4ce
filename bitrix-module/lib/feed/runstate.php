<?php

namespace Rustbox\Mindbox\Feed;

use Bitrix\Main\Config\Option;
use Rustbox\Mindbox\Config\Options;

/**
 * A site's feed run in progress, kept between its steps in the site's option `feed_run` (JSON), and the summary of its
 * last run in `feed_last`. Phases: `map` reads the catalogue page by page (products after `lastId`, by ID) into the
 * staging file (`length` bytes of it hold `staged` offers); `assemble` writes the feeds from it in one step.
 */
final class RunState
{
    public const OPTION = 'feed_run';
    public const LAST_OPTION = 'feed_last';
    public const MAP = 'map';
    public const ASSEMBLE = 'assemble';

    /**
     * @param int $done catalogue elements (products and offers) read so far
     * @param int $total catalogue elements there were when the run began
     * @param int $uncategorised offers in no category written, so under the feed's root category
     */
    public function __construct(
        public string $phase,
        public readonly int $started,
        public int $updated,
        public int $lastId = 0,
        public int $length = 0,
        public int $staged = 0,
        public int $done = 0,
        public int $total = 0,
        public int $uncategorised = 0,
    ) {
    }

    public static function load(string $siteId): ?self
    {
        $state = json_decode((string)Option::getRealValue(Options::MODULE_ID, self::OPTION, $siteId), true);
        if (!is_array($state) || !in_array($state['phase'] ?? null, [self::MAP, self::ASSEMBLE], true)) {
            return null;
        }
        return new self((string)$state['phase'], (int)$state['started'], (int)$state['updated'], (int)$state['lastId'],
            (int)$state['length'], (int)$state['staged'], (int)$state['done'], (int)$state['total'], (int)$state['uncategorised']);
    }

    public function save(string $siteId): void
    {
        $this->updated = time();
        Option::set(Options::MODULE_ID, self::OPTION, json_encode($this->toArray()), $siteId);
    }

    public static function clear(string $siteId): void
    {
        Option::delete(Options::MODULE_ID, ['name' => self::OPTION, 'site_id' => $siteId]);
    }

    /** @return array{phase: string, started: int, updated: int, lastId: int, length: int, staged: int, done: int, total: int, uncategorised: int} */
    public function toArray(): array
    {
        return get_object_vars($this);
    }

    /** The summary FeedJob recorded at the end of the site's last run, or null before the first one ended. */
    public static function lastRun(string $siteId): ?array
    {
        $summary = json_decode((string)Option::getRealValue(Options::MODULE_ID, self::LAST_OPTION, $siteId), true);
        return is_array($summary) ? $summary : null;
    }

    public static function saveLastRun(string $siteId, array $summary): void
    {
        Option::set(Options::MODULE_ID, self::LAST_OPTION, json_encode($summary, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE), $siteId);
    }
}
