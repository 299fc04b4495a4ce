<?php

namespace Rustbox\Mindbox\History;

use Bitrix\Main\Config\Option;
use Rustbox\Mindbox\Config\Options;

/**
 * A site's history export in progress, kept between its steps in the site's option `history_run` (JSON, written after
 * every page and every part), and the summary of its last run in `history_last`.
 *
 * The run writes its entities in turn (`phase`: customers, then orders, then `send` once all is written), reading the
 * current one by ID after `cursor`. The part being written (`open`) is known by its number and the cursor and count
 * of records read it began at, so a run resumed after its process died rewrites it from there, under the same number;
 * once a step has ended, by the writer's checkpoint too, with the cursor and count it stands at: the next step carries
 * the part on from there.
 * A sealed part is recorded with its transactionId before it is ever sent: whatever happens next, it is sent under
 * that id or not at all. `retryAt` holds the run back while Mindbox defers it.
 */
final class JobState
{
    public const OPTION = 'history_run';
    public const LAST_OPTION = 'history_last';

    public const RUNNING = 'running';
    public const PAUSED = 'paused';
    public const FAILED = 'failed';

    public const CUSTOMERS = 'customers';
    public const ORDERS = 'orders';
    /** Everything written; what is left is sending. */
    public const SEND = 'send';

    /** A part written and not yet answered; one Mindbox answered; one a dry run keeps on disk. */
    public const SEALED = 'sealed';
    public const SENT = 'sent';
    public const KEPT = 'kept';

    /**
     * @param array $setup what stays fixed for the run: scope (list of entities), since (?Y-m-d), dryRun, bounds
     *     (entity => the first id not exported), directory, dateFormat, dayFormat, pointOfContact, partBytes, partRows,
     *     gzip (entity => bool), pageSize
     * @param array{part: int, fromId: int, readBefore: int, checkpoint?: array{at: array, cursor: int, read: int}} $open
     *     the part being written
     * @param array<string, int> $read records read per entity; $total those there were at the start; $rows rows in sealed parts
     * @param list<array{entity: string, part: int, file: string, rows: int, bytes: int, transactionId: string,
     *     state: string, sentAt?: int, answer?: array, alreadyProcessed?: bool, refusal?: string}> $parts in sending order
     */
    public function __construct(
        public string $status,
        public readonly int $started,
        public int $updated,
        public readonly array $setup,
        public string $phase,
        public int $cursor = 0,
        public array $open = ['part' => 1, 'fromId' => 0, 'readBefore' => 0],
        public array $read = [],
        public array $total = [],
        public array $rows = [],
        public array $parts = [],
        public ?int $retryAt = null,
        public ?string $waitReason = null,
        public ?string $error = null,
    ) {
    }

    public static function load(string $siteId): ?self
    {
        $state = json_decode((string)Option::getRealValue(Options::MODULE_ID, self::OPTION, $siteId), true);
        if (!is_array($state) || !in_array($state['status'] ?? null, [self::RUNNING, self::PAUSED, self::FAILED], true)) {
            return null;
        }
        return new self(...$state);
    }

    public function save(string $siteId): void
    {
        $this->updated = time();
        Option::set(Options::MODULE_ID, self::OPTION, json_encode($this->toArray(), JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE), $siteId);
    }

    public static function clear(string $siteId): void
    {
        Option::delete(Options::MODULE_ID, ['name' => self::OPTION, 'site_id' => $siteId]);
    }

    public function toArray(): array
    {
        return get_object_vars($this);
    }

    /** @return list<string> the entities still to be read, the current one first */
    public function entitiesLeft(): array
    {
        $scope = $this->setup['scope'];
        $at = array_search($this->phase, $scope, true);
        return $at === false ? [] : array_slice($scope, $at);
    }

    /** @return list<int> the places in $parts of the parts written and not yet answered, in sending order */
    public function unsent(): array
    {
        return array_keys(array_filter($this->parts, static fn (array $part) => $part['state'] === self::SEALED));
    }

    /**
     * What the run has done and has left, for the command line and the admin page. `state` is `waiting` while Mindbox
     * defers the sending (until `retryAt`). `estimate`: parts still to send (those to write guessed from the rows and
     * bytes a record took so far) and the seconds left, counting the hourly import limit: at most $importsPerHour parts
     * an hour, so parts beyond it wait for the next hour.
     */
    public function status(int $importsPerHour): array
    {
        $waiting = $this->status === self::RUNNING && $this->retryAt !== null && $this->retryAt > time();
        $partsLeft = count($this->unsent()) + ($this->setup['dryRun'] ? 0 : $this->partsToWrite());
        $elapsed = max(1, time() - $this->started);
        $read = array_sum($this->read);
        $readSeconds = $read > 0 ? (int)ceil((array_sum($this->total) - $read) * $elapsed / $read) : null;
        $limitSeconds = intdiv(max(0, $partsLeft - 1), $importsPerHour) * 3600;
        $seconds = $readSeconds === null ? null : max($readSeconds, $limitSeconds, $waiting ? $this->retryAt - time() : 0);
        return [
            'running' => true, 'state' => $waiting ? 'waiting' : $this->status, 'phase' => $this->phase,
            'scope' => $this->setup['scope'], 'since' => $this->setup['since'], 'dryRun' => $this->setup['dryRun'],
            'started' => $this->started, 'updated' => $this->updated, 'read' => $this->read, 'total' => $this->total,
            'rows' => $this->rows, 'parts' => $this->parts, 'partsWritten' => count($this->parts),
            'partsSent' => count(array_filter($this->parts, static fn (array $part) => $part['state'] === self::SENT)),
            'retryAt' => $this->retryAt, 'waitReason' => $this->waitReason, 'error' => $this->error, 'directory' => $this->setup['directory'],
            'estimate' => ['partsLeft' => $partsLeft, 'seconds' => $seconds, 'importsPerHour' => $importsPerHour],
        ];
    }

    /** The parts the entities left to read will make, guessed from what a record took so far. */
    private function partsToWrite(): int
    {
        $parts = 0;
        foreach ($this->entitiesLeft() as $entity) {
            $done = $entity === $this->phase ? $this->open['readBefore'] : 0;
            $rowsPerRecord = $done > 0 && ($this->rows[$entity] ?? 0) > 0 ? $this->rows[$entity] / $done : 1.0;
            $bytesPerRow = $this->bytesPerRow($entity);
            $rows = ($this->total[$entity] - $done) * $rowsPerRecord;
            $parts += $rows > 0 ? (int)max(1, ceil(max($rows / $this->setup['partRows'], $rows * $bytesPerRow / $this->setup['partBytes']))) : 0;
        }
        return $parts;
    }

    private function bytesPerRow(string $entity): float
    {
        $parts = array_filter($this->parts, static fn (array $part) => $part['entity'] === $entity);
        $rows = array_sum(array_column($parts, 'rows'));
        return $rows > 0 ? array_sum(array_column($parts, 'bytes')) / $rows : 0.0;
    }

    /** The summary HistoryJob recorded at the end of the site's last run, or null before the first one ended. */
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
