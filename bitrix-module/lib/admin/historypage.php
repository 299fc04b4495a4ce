<?php

namespace Rustbox\Mindbox\Admin;

use Bitrix\Main\HttpRequest;
use Bitrix\Main\Localization\Loc;
use Bitrix\Main\SiteTable;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\History\CustomerReader;
use Rustbox\Mindbox\History\HistoryBusyException;
use Rustbox\Mindbox\History\HistoryException;
use Rustbox\Mindbox\History\HistoryJob;
use Rustbox\Mindbox\History\JobState;
use Rustbox\Mindbox\History\OrderReader;
use Rustbox\Mindbox\History\Watermark;

Loc::loadMessages(__FILE__);

/**
 * What the history export's admin page shows per site (the run's state, counts and parts with Mindbox's answers, the
 * cut-over it exports below) and does: its script starts a run (scope, since, dry run) and carries it on a step per
 * request while the page is open (the agent carries it on otherwise), pauses, resumes and cancels it, and removes a
 * dry run's parts.
 */
final class HistoryPage
{
    private const ACTIONS = ['start', 'step', 'pause', 'resume', 'cancel', 'removeFiles', 'status'];

    /**
     * @return list<array{siteId: string, name: string, status: array, state: array{code: string, text: string},
     *     counts: list<string>, parts: array, watermark: array, directory: ?string, directoryError: ?string,
     *     actions: array<string, bool>}> `actions`: which of the page's buttons apply now
     */
    public static function overview(): array
    {
        $blocks = [];
        foreach (SiteTable::getList(['select' => ['LID', 'NAME']])->fetchAll() as $site) {
            $siteId = (string)$site['LID'];
            $settings = Settings::forSite($siteId);
            $status = HistoryJob::forSite($siteId)->status();
            $state = HistoryView::state($status);
            $parts = HistoryView::parts($status);
            $block = ['siteId' => $siteId, 'name' => (string)$site['NAME'], 'status' => $status, 'state' => $state,
                'counts' => HistoryView::counts($status), 'parts' => $parts, 'watermark' => self::watermark($settings),
                'directory' => null, 'directoryError' => null];
            try {
                $block['directory'] = $settings->history()->directory();
            } catch (\InvalidArgumentException $e) {
                $block['directoryError'] = $e->getMessage();
            }
            $block['actions'] = [
                'start' => !$status['running'],
                'step' => $state['code'] === 'running',
                'pause' => in_array($state['code'], ['running', 'waiting'], true),
                'resume' => in_array($state['code'], ['paused', 'failed'], true),
                'cancel' => $status['running'],
                'removeFiles' => $state['code'] === 'dryRun' && in_array('kept', array_column($parts['parts'], 'state'), true),
            ];
            $blocks[] = $block;
        }
        return $blocks;
    }

    /**
     * One of the page's requests (POST `action`, `site`, `sessid`; for start `scope`, `since` (YYYY-MM-DD or empty),
     * `dryRun` (Y)), for an administrator with the session's token only.
     *
     * @return array{status: int, body: array} the HTTP status and the JSON: the run's status (HistoryJob::status()) with
     *     `stateText`, or `error`: 403 not allowed, 400 a bad request, 409 busy (a step runs elsewhere, a run is in
     *     progress, none to pause or resume), 422 refused (the preflight, a bad option: the message says what to fix),
     *     500 the step failed (the run is left failed, with the reason)
     */
    public static function action(HttpRequest $request): array
    {
        if (!is_object($GLOBALS['USER'] ?? null) || !$GLOBALS['USER']->IsAdmin()) {
            return self::error(403, Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_PAGE_DENIED'));
        }
        if (!$request->isPost() || !check_bitrix_sessid()) {
            return self::error(403, Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_PAGE_SESSION'));
        }
        $action = (string)$request->getPost('action');
        $siteId = (string)$request->getPost('site');
        $sites = array_map('strval', array_column(SiteTable::getList(['select' => ['LID']])->fetchAll(), 'LID'));
        if (!in_array($action, self::ACTIONS, true) || !in_array($siteId, $sites, true)) {
            return self::error(400, Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_PAGE_BAD_REQUEST'));
        }
        $job = HistoryJob::forSite($siteId);
        try {
            $status = match ($action) {
                'start' => $job->start(self::startOptions($request)),
                'step' => $job->step(Settings::forSite($siteId)->history()->stepSeconds()),
                'pause' => self::after($job, $job->pause(...)),
                'resume' => self::after($job, $job->resume(...)),
                'cancel' => self::after($job, $job->cancel(...)),
                'removeFiles' => self::removeFiles($job),
                'status' => $job->status(),
            };
        } catch (HistoryBusyException $e) {
            return self::error(409, $e->getMessage());
        } catch (HistoryException | \InvalidArgumentException $e) {
            // The preflight's refusals, and pause or resume of a run that is not there to pause or resume.
            return self::error(in_array($action, ['pause', 'resume'], true) ? 409 : 422, $e->getMessage());
        } catch (\Throwable $e) {
            return self::error(500, $e->getMessage());
        }
        return ['status' => 200, 'body' => $status + ['stateText' => HistoryView::state($status)['text']]];
    }

    /**
     * The cut-over per entity: the ids a run exports are below `bound`, the first id the live sync sent to Mindbox
     * (`live`), else, before the live sync sent any, past the last id there is (when a run started, for a run in
     * progress; else now).
     *
     * @return array<'customers'|'orders', array{bound: int, live: bool, text: string}>
     */
    private static function watermark(Settings $settings): array
    {
        $bounds = JobState::load($settings->siteId())?->setup['bounds'] ?? [];
        $watermark = [];
        foreach ([JobState::CUSTOMERS => Watermark::USER, JobState::ORDERS => Watermark::ORDER] as $entity => $kind) {
            $live = Watermark::first($settings, $kind);
            $bound = $bounds[$entity] ?? $live ?? ($entity === JobState::CUSTOMERS ? CustomerReader::lastId() : OrderReader::lastId()) + 1;
            $fields = ['#BOUND#' => $bound, '#LAST#' => $bound - 1];
            $text = match (true) {
                $bound === $live && $entity === JobState::CUSTOMERS => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_PAGE_WATERMARK_USER', $fields),
                $bound === $live => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_PAGE_WATERMARK_ORDER', $fields),
                isset($bounds[$entity]) => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_PAGE_WATERMARK_STARTED', $fields),
                default => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_PAGE_WATERMARK_NONE', $fields),
            };
            $watermark[$entity] = ['bound' => $bound, 'live' => $bound === $live, 'text' => (string)$text];
        }
        return $watermark;
    }

    /** @return array{scope: string, since: ?string, dryRun: bool} HistoryJob::start()'s options from the form */
    private static function startOptions(HttpRequest $request): array
    {
        $since = trim((string)$request->getPost('since'));
        return ['scope' => (string)($request->getPost('scope') ?? 'both'), 'since' => $since !== '' ? $since : null,
            'dryRun' => $request->getPost('dryRun') === 'Y'];
    }

    /** A dry run's parts go; a run in progress keeps its own (cancel it to drop them). */
    private static function removeFiles(HistoryJob $job): array
    {
        if ($job->status()['running']) {
            throw new HistoryBusyException((string)Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_PAGE_REMOVE_RUNNING'));
        }
        return self::after($job, $job->cancel(...));
    }

    private static function after(HistoryJob $job, callable $change): array
    {
        $change();
        return $job->status();
    }

    private static function error(int $status, ?string $message): array
    {
        return ['status' => $status, 'body' => ['error' => (string)$message]];
    }
}
