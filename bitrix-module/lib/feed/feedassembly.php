<?php

namespace Rustbox\Mindbox\Feed;

/**
 * A run's last step: the staged offers streamed into one MindboxFeedWriter per feed (the site's main feed and one
 * per regional zone) in a single pass. Each writer writes a temporary file and renames it over its feed only at
 * finish(); if anything fails, every writer is aborted and every previous feed stays as it was. A writer cannot
 * outlive a request, so this step runs to its end whatever time it takes.
 *
 * A regional feed holds only what Mindbox reads from one (next-wave.md §1.1: id, availability, price, old price,
 * currency, url, picture, name, description; no vendorCode, categories or group_id). The writer still wants a
 * category per offer, so a regional feed has just the root category and every offer in it.
 */
final class FeedAssembly
{
    private const BATCH = 500;
    /** What a regional offer takes from the main one; its availability and prices are the zone's own. */
    private const SHARED_FIELDS = ['id', 'url', 'picture', 'name', 'description'];

    /** @param list<string> $zones */
    public function __construct(
        private readonly FeedFiles $files,
        private readonly Staging $staging,
        private readonly array $zones,
        private readonly bool $gzip,
    ) {
    }

    /**
     * @param null|callable(int $done, int $total, string $phase): void $progress
     * @return array{offers: int, skipped: array<string, int>, descriptionsCut: int, bytes: int, url: string,
     *     regions: array<string, array{offers: int, bytes: int, url: string}>}
     */
    public function write(RunState $run, ?callable $progress): array
    {
        $this->removeLeftovers();
        $head = $this->staging->head();
        $root = $head['root'];
        $writers = ['' => $this->writer(null, $head, $run->uncategorised > 0 ? [...$head['categories'], $root] : $head['categories'])];
        try {
            foreach ($this->zones as $zone) {
                $writers[$zone] = $this->writer($zone, $head, [$root]);
            }
            $duplicates = $this->offers($writers, $run, $root['id'], $progress);
            $summaries = array_map(static fn (\MindboxFeedWriter $writer) => $writer->finish(), $writers);
        } catch (\Throwable $e) {
            foreach ($writers as $writer) {
                $writer->abort();
            }
            throw $e;
        }
        $main = $summaries[''];
        $regions = [];
        foreach ($this->zones as $zone) {
            $regions[$zone] = ['offers' => $summaries[$zone]['offers'], 'bytes' => $summaries[$zone]['bytes'], 'url' => $this->files->url($zone)];
        }
        return [
            'offers' => $main['offers'],
            'skipped' => array_filter(['duplicateId' => $duplicates] + $main['skipped']),
            'descriptionsCut' => $main['descriptionsCut'],
            'bytes' => $main['bytes'],
            'url' => $this->files->url(),
            'regions' => $regions,
        ];
    }

    /** @return int offers left out for an id written before */
    private function offers(array $writers, RunState $run, string $rootId, ?callable $progress): int
    {
        $seen = new SeenIds($run->staged);
        $batches = array_fill_keys(array_keys($writers), []);
        $done = 0;
        $duplicates = 0;
        foreach ($this->staging->records($run->length) as $record) {
            $done++;
            if (!$seen->add((string)$record['o']['id'])) {
                $duplicates++;
                continue;
            }
            $batches[''][] = $record['o'];
            foreach ($this->zones as $zone) {
                $batches[$zone][] = $record['r'][$zone] + array_intersect_key($record['o'], array_flip(self::SHARED_FIELDS))
                    + ['categoryId' => $rootId];
            }
            if (count($batches['']) >= self::BATCH) {
                $this->flush($writers, $batches);
                if ($progress !== null) {
                    $progress($done, $run->staged, RunState::ASSEMBLE);
                }
            }
        }
        $this->flush($writers, $batches);
        if ($progress !== null) {
            $progress($done, $run->staged, RunState::ASSEMBLE);
        }
        return $duplicates;
    }

    private function flush(array $writers, array &$batches): void
    {
        foreach ($batches as $key => $batch) {
            if ($batch !== []) {
                $writers[$key]->offers($batch);
                $batches[$key] = [];
            }
        }
    }

    /**
     * A writer killed with its process (a request's time limit, an out-of-memory kill) leaves its temporary file
     * beside its feed (`.<feed's name>.<random>.tmp`); the site's lock keeps any other writer of its feeds away now,
     * so each such file is a leftover.
     */
    private function removeLeftovers(): void
    {
        foreach (glob(dirname($this->files->path()) . '/.catalog*.tmp') ?: [] as $leftover) {
            @unlink($leftover);
        }
    }

    private function writer(?string $zone, array $head, array $categories): \MindboxFeedWriter
    {
        $writer = new \MindboxFeedWriter($this->files->path($zone), ['gzip' => $this->gzip]);
        try {
            $writer->shop($head['shop']);
            $writer->currencies($head['currencies']);
            $writer->categories($categories);
        } catch (\Throwable $e) {
            $writer->abort();
            throw $e;
        }
        return $writer;
    }
}
