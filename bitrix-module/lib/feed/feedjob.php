<?php

namespace Rustbox\Mindbox\Feed;

use Rustbox\Mindbox\Config\FeedSettings;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Mappers\ProductIds;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Support\DatabaseLock;

/**
 * Makes a site's product feed: the API of the CLI command, the agent and the admin page.
 *
 *     // cron / CLI: the whole feed in this process, with a progress bar
 *     $summary = FeedJob::forSite('s1')->run(fn (int $done, int $total, string $phase) => …);
 *
 *     // an agent or the admin page's "regenerate" button: a run in steps across requests
 *     $job = FeedJob::forSite('s1');
 *     $job->start();                        // FeedBusyException while a run is in progress
 *     do { $status = $job->step(20.0); } while ($status['running']);   // one step per request
 *     $job->lastRun();                      // what the admin page shows
 *
 * A run reads the catalogue in pages (phase `map`, CatalogueReader → OfferMapper → Staging), as many pages per step
 * as its time allows, then writes every feed in one last step (phase `assemble`, FeedAssembly), which takes as long
 * as it takes. Its state is kept in the site's options between steps (RunState), so a step may run in any request,
 * and a request killed half-way loses nothing: the next step goes on from the last page recorded. A failed run
 * (an exception in a step) ends: its summary records the error and the previous feed stays served. Two steps of one
 * site never run at once (a named lock of the database, which the database releases if the process dies), and a
 * new run is refused while one is in progress; cancel() drops it.
 */
final class FeedJob
{
    private readonly FeedSettings $feed;

    private function __construct(private readonly Settings $settings)
    {
        $this->feed = $settings->feed();
    }

    public static function forSite(string $siteId): self
    {
        return new self(Settings::forSite($siteId));
    }

    /**
     * The whole feed in this process: the run in progress carried on, or a new one, to its end.
     *
     * @param null|callable(int $done, int $total, string $phase): void $progress after each page (`map`: catalogue
     *     elements read of those there are) and each batch written (`assemble`: offers written of those staged)
     * @return array the run's summary, as lastRun() gives it
     * @throws FeedBusyException a step of this site runs in another process
     * @throws \Throwable what failed the run (its summary records it too)
     */
    public function run(?callable $progress = null): array
    {
        $this->locked(function () use ($progress): void {
            $run = RunState::load($this->siteId()) ?? $this->begin();
            $this->advance($run, INF, $progress);
        });
        return $this->lastRun();
    }

    /**
     * Begins a run to be carried on by step().
     *
     * @return array the status (as status())
     * @throws FeedBusyException a run is in progress, or a step of it runs right now
     * @throws \Throwable what failed the run's start (its summary records it)
     */
    public function start(): array
    {
        $this->locked(function (): void {
            $run = RunState::load($this->siteId());
            if ($run !== null) {
                throw new FeedBusyException(sprintf('A feed run of site "%s" started at %s is in progress (%d of %d read): step it or cancel it',
                    $this->siteId(), date('c', $run->started), $run->done, $run->total));
            }
            $this->begin();
        });
        return $this->status();
    }

    /**
     * Carries the run in progress on for about $seconds (at least one page; the last step, which writes the feeds,
     * runs to its end). Without a run in progress it does nothing.
     *
     * @param null|callable(int $done, int $total, string $phase): void $progress as for run()
     * @return array the status after the step: `running` false once the run ended (see lastRun())
     * @throws FeedBusyException another step of this site runs right now
     * @throws \Throwable what failed the run (its summary records it)
     */
    public function step(float $seconds = 20.0, ?callable $progress = null): array
    {
        $this->locked(function () use ($seconds, $progress): void {
            $run = RunState::load($this->siteId());
            if ($run !== null) {
                $this->advance($run, microtime(true) + $seconds, $progress);
            }
        });
        return $this->status();
    }

    /**
     * @return array{running: bool, phase: ?string, done: int, total: int, started: ?int, updated: ?int, lastRun: ?array}
     *     the run in progress (`done` of `total`: catalogue elements read while mapping, offers written while
     *     assembling), and the last run's summary
     */
    public function status(): array
    {
        $run = RunState::load($this->siteId());
        return ['running' => $run !== null, 'phase' => $run?->phase, 'done' => $run->done ?? 0, 'total' => $run->total ?? 0,
            'started' => $run?->started, 'updated' => $run?->updated, 'lastRun' => $this->lastRun()];
    }

    /**
     * The summary of the site's last run, or null before its first one ended.
     *
     * @return array{ok: bool, started: int, finished: int, seconds: float, offers?: int, skipped?: array<string, int>,
     *     descriptionsCut?: int, bytes?: int, url?: string, regions?: array<string, array{offers: int, bytes: int,
     *     url: string}>, errors: list<string>}|null `ok` false: the run failed or was cancelled (errors say why) and
     *     the previous feed, if any, is still at `url`
     */
    public function lastRun(): ?array
    {
        return RunState::lastRun($this->siteId());
    }

    /** Drops the run in progress, if any; the previous feed stays. */
    public function cancel(): void
    {
        $this->locked(function (): void {
            $run = RunState::load($this->siteId());
            if ($run !== null) {
                $this->end($run, ['ok' => false, 'errors' => ['The run was cancelled']]);
            }
        });
    }

    /** The address of the feed (or of a zone's regional one) to paste into Mindbox. */
    public function url(?string $zone = null): string
    {
        return $this->files()->url($zone);
    }

    /** The feed's file on disk, for an endpoint that serves it. */
    public function path(?string $zone = null): string
    {
        return $this->files()->path($zone);
    }

    /**
     * Uninstalling: the site's feeds and their folder deleted (see FeedFiles::remove()); a run in progress is dropped
     * with them.
     */
    public function removeFiles(): void
    {
        $this->files()->remove();
    }

    private function siteId(): string
    {
        return $this->settings->siteId();
    }

    private function begin(): RunState
    {
        $started = time();
        try {
            $files = $this->files();
            $files->ensureDirectory();
            $address = SiteAddress::of($this->feed);
            // What must not change in the middle of a run is read once, at its start.
            $setup = ['iblockId' => $this->feed->iblockId(), 'priceType' => $this->feed->priceTypeId() ?? Prices::baseType(),
                'regions' => $this->feed->regions()];
            $categories = Categories::read($setup['iblockId'], new ProductIds($this->settings));
            (new Staging($files->stagingDirectory()))->begin([
                'setup' => $setup,
                'shop' => ['name' => $address->name(), 'company' => $address->name(), 'url' => $address->home()],
                'currencies' => Currencies::read(),
                'categories' => $categories['list'],
                'bySection' => $categories['bySection'],
                'root' => $categories['root'],
            ]);
            $run = new RunState(RunState::MAP, $started, $started, total: $this->reader($address, $setup)->total());
            $run->save($this->siteId());
            return $run;
        } catch (\Throwable $e) {
            $this->end(new RunState(RunState::MAP, $started, $started), ['ok' => false, 'errors' => [$e->getMessage()]]);
            throw $e;
        }
    }

    /** Maps pages until the deadline or the catalogue's end, then writes the feeds if time is left or nothing else is. */
    private function advance(RunState $run, float $deadline, ?callable $progress): void
    {
        try {
            $address = SiteAddress::of($this->feed);
            $staging = new Staging($this->files()->stagingDirectory());
            $head = $staging->head();
            // A step does some work however short its time: a page, or the writing that is all that is left.
            $mapped = $run->phase === RunState::MAP;
            if ($mapped) {
                $this->map($run, $this->reader($address, $head['setup']), $this->mapper($address, $head), $staging, $deadline, $progress);
            }
            if ($run->phase === RunState::ASSEMBLE && (!$mapped || microtime(true) < $deadline)) {
                $zones = array_map('strval', array_keys($head['setup']['regions']));
                $summary = (new FeedAssembly($this->files(), $staging, $zones, $this->feed->isGzip()))->write($run, $progress);
                $this->end($run, ['ok' => true, 'errors' => []] + $summary);
            }
        } catch (\Throwable $e) {
            $this->end($run, ['ok' => false, 'errors' => [$e->getMessage()]]);
            throw $e;
        }
    }

    private function map(RunState $run, CatalogueReader $reader, OfferMapper $mapper, Staging $staging, float $deadline, ?callable $progress): void
    {
        do {
            $page = $reader->page($run->lastId);
            if ($page->isEmpty()) {
                $run->phase = RunState::ASSEMBLE;
                $run->save($this->siteId());
                return;
            }
            $mapped = $mapper->map($page);
            $run->length = $staging->append($mapped['records'], $run->length);
            $run->staged += count($mapped['records']);
            $run->uncategorised += $mapped['uncategorised'];
            $run->done += $page->elementCount();
            $run->total = max($run->total, $run->done);
            $run->lastId = $page->lastId();
            $run->save($this->siteId());
            if ($progress !== null) {
                $progress($run->done, $run->total, RunState::MAP);
            }
        } while (microtime(true) < $deadline);
    }

    /** Records the run's summary and forgets the run and its staging files. */
    private function end(RunState $run, array $summary): void
    {
        $finished = microtime(true);
        $summary += ['url' => $this->safeUrl()];
        RunState::saveLastRun($this->siteId(), ['started' => $run->started, 'finished' => (int)$finished,
            'seconds' => round($finished - $run->started, 1)] + $summary);
        RunState::clear($this->siteId());
        try {
            (new Staging($this->files()->stagingDirectory()))->remove();
        } catch (FeedException) {
            // No folder to clean when the site's address cannot even be made.
        }
    }

    private function safeUrl(): ?string
    {
        try {
            return $this->url();
        } catch (FeedException) {
            return null;
        }
    }

    /** @param array{iblockId: int, priceType: int, regions: array} $setup */
    private function reader(SiteAddress $address, array $setup): CatalogueReader
    {
        $regions = $setup['regions'];
        $types = array_filter([$setup['priceType'], ...array_column($regions, 'priceType')]);
        return new CatalogueReader(
            $setup['iblockId'],
            $this->feed->pageSize(),
            array_values(array_unique(array_filter([...$this->feed->paramCodes(), $this->feed->vendorProperty(), $this->feed->vendorCodeProperty()]))),
            new Prices(array_values(array_unique($types)), $this->siteId()),
            array_values(array_unique(array_filter(array_column($regions, 'store')))),
            $address,
        );
    }

    private function mapper(SiteAddress $address, array $head): OfferMapper
    {
        return new OfferMapper(new ProductIds($this->settings), $head, $head['setup']['priceType'], $head['setup']['regions'],
            $this->feed->paramCodes(), $this->feed->vendorProperty(), $this->feed->vendorCodeProperty(), $address);
    }

    private function files(): FeedFiles
    {
        return new FeedFiles($this->feed, SiteAddress::of($this->feed));
    }

    /** Runs $work holding the site's feed lock; FeedBusyException when another process holds it. */
    private function locked(callable $work): void
    {
        if (!Mindbox::isExtensionLoaded()) {
            throw new FeedException('The mindbox PHP extension is not loaded: it writes the feed');
        }
        if (!DatabaseLock::run('rustbox.mindbox.feed.' . $this->siteId(), $work)) {
            throw new FeedBusyException(sprintf('A step of the feed run of site "%s" runs in another process', $this->siteId()));
        }
    }
}
