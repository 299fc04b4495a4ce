<?php

namespace Rustbox\Mindbox\Admin;

use Bitrix\Main\Localization\Loc;
use Rustbox\Mindbox\History\JobState;

Loc::loadMessages(__FILE__);

/**
 * What the history export's admin page says of a site's run, as text: its state, its counts, and each part with
 * Mindbox's answer. Built from HistoryJob::status() (the run in progress, else the last run's summary), so the page
 * and its script show the same words.
 */
final class HistoryView
{
    /** The newest parts shown; a run made in many small steps can have thousands. */
    public const PARTS_SHOWN = 100;

    /**
     * @param array $status HistoryJob::status()
     * @return array{code: string, text: string} code: none, running, waiting, paused, failed, finished, dryRun or stopped
     */
    public static function state(array $status): array
    {
        $last = $status['lastRun'] ?? null;
        $code = $status['running'] ? (string)$status['state'] : match (true) {
            $last === null => 'none',
            !$last['ok'] => 'stopped',
            !empty($last['dryRun']) => 'dryRun',
            default => 'finished',
        };
        $text = match ($code) {
            'none' => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_NONE'),
            'running' => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_RUNNING', ['#PHASE#' => self::phase((string)$status['phase'])]),
            'waiting' => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_WAITING', ['#REASON#' => self::reason((string)$status['waitReason'],
                (int)$status['estimate']['importsPerHour']), '#TIME#' => self::time((int)$status['retryAt'])]),
            'paused' => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_PAUSED'),
            'failed' => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_FAILED', ['#ERROR#' => (string)$status['error']]),
            'finished' => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_FINISHED', ['#TIME#' => self::time($last['finished']),
                '#SECONDS#' => $last['seconds']]),
            'dryRun' => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_DRY_RUN', ['#TIME#' => self::time($last['finished']),
                '#DIRECTORY#' => (string)($last['directory'] ?? '')]),
            'stopped' => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_STOPPED', ['#TIME#' => self::time($last['finished']),
                '#ERRORS#' => implode('; ', $last['errors'])]),
            default => $code,
        };
        return ['code' => $code, 'text' => (string)$text];
    }

    /**
     * The run's counts, a line each: records read of those there were and rows written per entity, the parts written
     * and sent, and (while it runs) what is left with its ETA.
     *
     * @return list<string>
     */
    public static function counts(array $status): array
    {
        $run = $status['running'] ? $status : ($status['lastRun'] ?? null);
        if ($run === null || !isset($run['scope'])) {
            return [];
        }
        $lines = [];
        foreach ($run['scope'] as $entity) {
            $numbers = ['#READ#' => self::number($run['read'][$entity] ?? 0), '#TOTAL#' => self::number($run['total'][$entity] ?? ($run['read'][$entity] ?? 0)),
                '#ROWS#' => self::number($run['rows'][$entity] ?? 0)];
            $lines[] = (string)($entity === JobState::ORDERS
                ? Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_ORDERS', $numbers) : Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_CUSTOMERS', $numbers));
        }
        $parts = $run['parts'] ?? [];
        $sent = count(array_filter($parts, static fn (array $part) => $part['state'] === JobState::SENT));
        $lines[] = (string)Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_PARTS', ['#WRITTEN#' => self::number(count($parts)), '#SENT#' => self::number($sent)]);
        if ($status['running']) {
            $seconds = $status['estimate']['seconds'];
            $lines[] = (string)Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_ESTIMATE', ['#PARTS#' => self::number($status['estimate']['partsLeft']),
                '#ETA#' => $seconds === null ? Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_ETA_UNKNOWN') : self::duration((int)$seconds),
                '#PER_HOUR#' => $status['estimate']['importsPerHour']]);
        }
        return $lines;
    }

    /**
     * The run's parts (the newest PARTS_SHOWN), each with what became of it.
     *
     * @return array{parts: list<array{file: string, entity: string, transactionId: string, rows: int, bytes: int, state: string,
     *     text: string, answer: ?string}>, hidden: int}
     *     state: sent, refused, deferred (Mindbox holds the run back), queued (written, to be sent), kept (a dry run's,
     *     on disk) or removed (a dry run's, gone)
     */
    public static function parts(array $status): array
    {
        $run = $status['running'] ? $status : ($status['lastRun'] ?? null);
        $parts = $run['parts'] ?? [];
        $deferred = $status['running'] && $status['state'] === 'waiting'
            ? array_key_first(array_filter($parts, static fn (array $part) => $part['state'] === JobState::SEALED)) : null;
        $shown = [];
        foreach (array_slice($parts, -self::PARTS_SHOWN, null, true) as $index => $part) {
            [$state, $text] = match (true) {
                $part['state'] === JobState::SENT => ['sent', Loc::getMessage(empty($part['alreadyProcessed'])
                    ? 'RUSTBOX_MINDBOX_HISTORY_VIEW_PART_SENT' : 'RUSTBOX_MINDBOX_HISTORY_VIEW_PART_ALREADY', ['#TIME#' => self::time((int)($part['sentAt'] ?? 0))])],
                isset($part['refusal']) => ['refused', Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_PART_REFUSED', ['#MESSAGE#' => $part['refusal']])],
                $index === $deferred => ['deferred', Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_PART_DEFERRED', [
                    '#REASON#' => self::reason((string)$status['waitReason'], (int)$status['estimate']['importsPerHour']),
                    '#TIME#' => self::time((int)$status['retryAt'])])],
                $part['state'] === JobState::KEPT => is_file($run['directory'] . '/' . $part['file'])
                    ? ['kept', Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_PART_KEPT', ['#PATH#' => $run['directory'] . '/' . $part['file']])]
                    : ['removed', Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_PART_REMOVED')],
                default => ['queued', Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_PART_QUEUED')],
            };
            $answer = isset($part['answer']) ? json_encode($part['answer'], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE) : null;
            $shown[] = ['file' => $part['file'], 'entity' => $part['entity'], 'transactionId' => $part['transactionId'], 'rows' => $part['rows'],
                'bytes' => $part['bytes'], 'state' => $state, 'text' => (string)$text, 'answer' => $answer];
        }
        return ['parts' => $shown, 'hidden' => count($parts) - count($shown)];
    }

    private static function phase(string $phase): string
    {
        return (string)match ($phase) {
            JobState::CUSTOMERS => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_PHASE_CUSTOMERS'),
            JobState::ORDERS => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_PHASE_ORDERS'),
            default => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_PHASE_SEND'),
        };
    }

    /** Why Mindbox holds the run back (the reasons of MindboxClient::importBulk()'s deferral). */
    private static function reason(string $reason, int $perHour): string
    {
        return (string)match ($reason) {
            'budget' => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_REASON_BUDGET', ['#PER_HOUR#' => $perHour]),
            'tooManyRequests' => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_REASON_429'),
            'unavailable' => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_REASON_UNAVAILABLE'),
            default => $reason,
        };
    }

    public static function time(int $timestamp): string
    {
        return date('Y-m-d H:i:s', $timestamp);
    }

    public static function number(int|float $number): string
    {
        return number_format($number, 0, '.', ' ');
    }

    private static function duration(int $seconds): string
    {
        return (string)match (true) {
            $seconds >= 3600 => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_HOURS', ['#HOURS#' => intdiv($seconds, 3600),
                '#MINUTES#' => sprintf('%02d', intdiv($seconds % 3600, 60))]),
            $seconds >= 60 => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_MINUTES', ['#MINUTES#' => (int)ceil($seconds / 60)]),
            default => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_VIEW_SECONDS', ['#SECONDS#' => $seconds]),
        };
    }
}
