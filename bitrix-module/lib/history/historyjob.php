<?php

namespace Rustbox\Mindbox\History;

use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Support\DatabaseLock;
use Rustbox\Mindbox\Support\Notices;

/**
 * Exports a site's history (customers, then orders) to Mindbox by bulk import: the API of the CLI command, the agent
 * and the admin page.
 *
 *     // cron / CLI: the whole export in this process, sleeping while Mindbox's hourly import limit holds it back
 *     $status = HistoryJob::forSite('s1')->run(fn (array $status) => …, options: ['scope' => 'both', 'since' => '2020-01-01']);
 *
 *     // the agent, or the admin page's button: a run in steps across requests
 *     $job = HistoryJob::forSite('s1');
 *     $job->start(['dryRun' => true]);     // HistoryBusyException while a run is in progress
 *     do { $status = $job->step(5.0); } while ($status['running'] && $status['state'] === 'running');
 *     $job->pause(); $job->resume(); $job->cancel();
 *     $job->lastRun();                     // what the admin page shows once it ended
 *
 * A run reads users and orders by ID in pages (below the cut-over of the live sync: Watermark), maps them by the live
 * sync's rules, and writes them with the extension's MindboxCsvWriter into parts of at most the configured size; each
 * part sealed is recorded with its transactionId in the run's state (JobState, in the site's options) before it is
 * sent, then sent with importBulk() in order, and its file removed once Mindbox answered. A run resumes where it
 * stopped, whatever stopped it: a part a step left open is carried on from its checkpoint, one a killed process left
 * half-written is written again from its checkpoint or from where it began, a part sealed is sent under its own
 * transactionId. While Mindbox defers (the hourly budget, 429, unavailable) a step ends and the next
 * one goes on at retryAt; run() sleeps until then unless told not to wait. A part Mindbox refuses stops the run in
 * the `failed` state with its answer; resume() retries it. A dry run writes the parts and keeps them, sending nothing.
 * Two steps of a site never run at once (a named lock of the database, released by the database if the process dies).
 * How a run ended is told on top of every admin page (Notices): finished, a dry run's parts to check, or
 * stopped on an error until resumed; starting or resuming a run takes the notice away.
 */
final class HistoryJob
{
    /** What a run exports, by the name the CLI and the admin page give it. */
    public const SCOPES = ['both' => [JobState::CUSTOMERS, JobState::ORDERS], 'customers' => [JobState::CUSTOMERS], 'orders' => [JobState::ORDERS]];

    private function __construct(private readonly Settings $settings)
    {
    }

    public static function forSite(string $siteId): self
    {
        return new self(Settings::forSite($siteId));
    }

    /**
     * Begins a run to be carried on by step() (or run()).
     *
     * @param array{scope?: 'both'|'customers'|'orders', since?: string|null, dryRun?: bool} $options since: Y-m-d, the
     *     first day (the site's time) of the registrations and orders exported
     * @return array the status (as status())
     * @throws HistoryBusyException a run is in progress, or a step of it runs right now
     * @throws HistoryException the preflight refused (the message says what to fix)
     * @throws \InvalidArgumentException a bad option
     */
    public function start(array $options = []): array
    {
        $this->locked(function () use ($options): void {
            $run = JobState::load($this->siteId());
            if ($run !== null) {
                throw new HistoryBusyException(sprintf('A history run of site "%s" started at %s is %s: carry it on, or cancel it',
                    $this->siteId(), date('c', $run->started), $run->status === JobState::RUNNING ? 'in progress' : $run->status));
            }
            $this->begin($options);
        });
        return $this->status();
    }

    /**
     * The whole export in this process: the run in progress carried on (resumed if paused or failed), or a new one
     * with $options, to its end; while Mindbox defers sending it sleeps until it may send again, unless !$wait.
     *
     * @param null|callable(array $status): void $progress after each page, each part and before each wait
     * @return array the status after it: `running` false once the run ended (see lastRun())
     * @throws HistoryBusyException a step of this site runs in another process
     * @throws \Throwable what stopped the run (it is left `failed`, to be resumed)
     */
    public function run(?callable $progress = null, bool $wait = true, array $options = []): array
    {
        $this->locked(function () use ($progress, $wait, $options): void {
            $run = JobState::load($this->siteId()) ?? $this->begin($options);
            if ($run->status !== JobState::RUNNING) {
                $run->status = JobState::RUNNING;
                $run->error = null;
                $run->save($this->siteId());
            }
            $this->advance($run, INF, $wait, $progress);
        });
        return $this->status();
    }

    /**
     * Carries a running run on for about $seconds (a page at least), unless Mindbox defers it until later. A paused
     * or failed run, or none, is left as it is.
     *
     * @param null|callable(array $status): void $progress as for run()
     * @return array the status after the step
     * @throws HistoryBusyException another step of this site runs right now
     * @throws \Throwable what stopped the run (it is left `failed`)
     */
    public function step(float $seconds = 5.0, ?callable $progress = null): array
    {
        $this->locked(function () use ($seconds, $progress): void {
            $run = JobState::load($this->siteId());
            if ($run !== null && $run->status === JobState::RUNNING) {
                $this->advance($run, microtime(true) + $seconds, false, $progress);
            }
        });
        return $this->status();
    }

    /**
     * @return array{running: bool, state: ?string, lastRun: ?array}&array the run in progress as JobState::status()
     *     gives it (state running, waiting, paused or failed; phase; read and total; parts with their transactionIds,
     *     states and answers; retryAt; error; estimate), and the last run's summary
     */
    public function status(): array
    {
        $run = JobState::load($this->siteId());
        $status = $run?->status($this->settings->history()->importsPerHour()) ?? ['running' => false, 'state' => null];
        return $status + ['lastRun' => $this->lastRun()];
    }

    /**
     * The summary of the site's last run, or null before its first one ended.
     *
     * @return array{ok: bool, started: int, finished: int, seconds: float, scope?: list<string>, since?: ?string,
     *     dryRun?: bool, read?: array, rows?: array, parts?: list<array>, directory?: string, errors: list<string>}|null
     *     a dry run's parts are in `directory` until cancel() or the next run
     */
    public function lastRun(): ?array
    {
        return JobState::lastRun($this->siteId());
    }

    /** Holds a running run until resume(); a step in progress elsewhere makes it HistoryBusyException. */
    public function pause(): void
    {
        $this->changeStatus([JobState::RUNNING], JobState::PAUSED);
    }

    /** Lets a paused or failed run go on (a refused part is sent again, under its transactionId). */
    public function resume(): void
    {
        $this->changeStatus([JobState::PAUSED, JobState::FAILED], JobState::RUNNING);
    }

    /** Drops the run in progress, if any, and every part on disk (a dry run's kept ones too); what was sent stays sent. */
    public function cancel(): void
    {
        $this->locked(function (): void {
            $run = JobState::load($this->siteId());
            if ($run !== null) {
                $this->end($run, ['ok' => false, 'errors' => ['The run was cancelled']]);
            }
            Parts::remove($this->settings->history()->directory());
        });
    }

    /** Uninstalling: the run dropped and the parts' folder deleted. */
    public function removeFiles(): void
    {
        $this->cancel();
        $directory = $this->settings->history()->directory();
        @rmdir($directory);
        @rmdir(dirname($directory));
    }

    private function siteId(): string
    {
        return $this->settings->siteId();
    }

    private function begin(array $options): JobState
    {
        $started = time();
        try {
            $setup = Setup::of($this->settings, $options);
            $orders = new OrderReader($this->siteId(), $setup['bounds'][JobState::ORDERS], Export::sinceOf($setup['since']), $setup['pageSize']);
            Preflight::check($this->settings, $setup, $orders);
            Parts::remove($setup['directory']);
            $total = [JobState::CUSTOMERS => (new CustomerReader($setup['bounds'][JobState::CUSTOMERS], Export::sinceOf($setup['since']), 1))->total(),
                JobState::ORDERS => $orders->total()];
            $scope = $setup['scope'];
            $run = new JobState(JobState::RUNNING, $started, $started, $setup, $scope[0], read: array_fill_keys($scope, 0),
                total: array_intersect_key($total, array_flip($scope)), rows: array_fill_keys($scope, 0));
            $run->save($this->siteId());
            Notices::historyResumed($this->siteId());
            return $run;
        } catch (\Throwable $e) {
            JobState::saveLastRun($this->siteId(), ['ok' => false, 'started' => $started, 'finished' => time(), 'seconds' => 0.0, 'errors' => [$e->getMessage()]]);
            throw $e;
        }
    }

    private function advance(JobState $run, float $deadline, bool $wait, ?callable $progress): void
    {
        try {
            if ((new Export($this->settings, $run, $progress))->advance($deadline, $wait)) {
                $this->end($run, ['ok' => true, 'errors' => []]);
            }
        } catch (\Throwable $e) {
            $run->status = JobState::FAILED;
            $run->error = $e->getMessage();
            $run->save($this->siteId());
            throw $e;
        } finally {
            // Thrown, or a part Mindbox refused: either way the run waits for an administrator.
            if ($run->status === JobState::FAILED) {
                Notices::historyFailed($this->siteId(), (string)$run->error);
            }
        }
    }

    /** Records the run's summary and forgets the run; its parts go, but for those a dry run keeps. */
    private function end(JobState $run, array $summary): void
    {
        $finished = microtime(true);
        $kept = $summary['ok'] ? array_column(array_filter($run->parts, static fn (array $p) => $p['state'] === JobState::KEPT), 'file') : [];
        $summary = ['started' => $run->started, 'finished' => (int)$finished, 'seconds' => round($finished - $run->started, 1),
            'scope' => $run->setup['scope'], 'since' => $run->setup['since'], 'dryRun' => $run->setup['dryRun'], 'read' => $run->read,
            'rows' => $run->rows, 'parts' => $run->parts, 'directory' => $run->setup['directory']] + $summary;
        JobState::saveLastRun($this->siteId(), $summary);
        JobState::clear($this->siteId());
        Parts::remove($run->setup['directory'], $kept);
        Notices::historyEnded($this->siteId(), $summary);
    }

    /** @param list<string> $from */
    private function changeStatus(array $from, string $to): void
    {
        $this->locked(function () use ($from, $to): void {
            $run = JobState::load($this->siteId());
            if ($run === null || !in_array($run->status, $from, true)) {
                throw new HistoryException(sprintf('Site "%s" has no history run that is %s', $this->siteId(), implode(' or ', $from)));
            }
            $run->status = $to;
            $run->error = $to === JobState::RUNNING ? null : $run->error;
            $run->save($this->siteId());
            if ($to === JobState::RUNNING) {
                Notices::historyResumed($this->siteId());
            }
        });
    }

    /** Runs $work holding the site's history lock; HistoryBusyException when another process holds it. */
    private function locked(callable $work): void
    {
        if (!DatabaseLock::run('rustbox.mindbox.history.' . $this->siteId(), $work)) {
            throw new HistoryBusyException(sprintf('A step of the history run of site "%s" runs in another process', $this->siteId()));
        }
    }
}
