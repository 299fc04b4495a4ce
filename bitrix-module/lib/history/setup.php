<?php

namespace Rustbox\Mindbox\History;

use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Mappers\CustomerRow;
use Rustbox\Mindbox\Mappers\OrderRows;

/**
 * What stays fixed for a run, read once at its start (JobState::$setup): what it exports, below which ids, how its
 * parts are cut and written, and their columns. Only the operation names are read at each send.
 */
final class Setup
{
    /**
     * @param array{scope?: string, since?: string|null, dryRun?: bool} $options
     * @throws \InvalidArgumentException naming the option that is wrong
     */
    public static function of(Settings $settings, array $options): array
    {
        $unknown = array_diff(array_keys($options), ['scope', 'since', 'dryRun']);
        if ($unknown !== []) {
            throw new \InvalidArgumentException(sprintf('Unknown history option "%s": scope, since and dryRun are known', reset($unknown)));
        }
        $scope = HistoryJob::SCOPES[(string)($options['scope'] ?? 'both')] ?? throw new \InvalidArgumentException(sprintf(
            'The history scope must be both, customers or orders, not "%s"', $options['scope']));
        $history = $settings->history();
        $customers = new CustomerRow($settings, $history->dateFormat(), $history->dayFormat(), $history->pointOfContact());
        $orders = new OrderRows($settings, $history->dateFormat(), $history->pointOfContact());
        return [
            'scope' => $scope,
            'since' => self::since($options['since'] ?? null),
            'dryRun' => (bool)($options['dryRun'] ?? false),
            // The live sync sends what came after its first user and order; with none yet, what comes after now.
            'bounds' => [
                JobState::CUSTOMERS => Watermark::first($settings, Watermark::USER) ?? CustomerReader::lastId() + 1,
                JobState::ORDERS => Watermark::first($settings, Watermark::ORDER) ?? OrderReader::lastId() + 1,
            ],
            'directory' => $history->directory(),
            'dateFormat' => $history->dateFormat(),
            'dayFormat' => $history->dayFormat(),
            'pointOfContact' => $history->pointOfContact(),
            'partBytes' => $history->partBytes(),
            'partRows' => $history->partRows(),
            'gzip' => [JobState::CUSTOMERS => $history->isGzip(JobState::CUSTOMERS), JobState::ORDERS => $history->isGzip(JobState::ORDERS)],
            'pageSize' => $history->pageSize(),
            'columns' => [JobState::CUSTOMERS => $customers->columns(), JobState::ORDERS => $orders->columns()],
        ];
    }

    private static function since(mixed $since): ?string
    {
        if ($since === null || $since === '') {
            return null;
        }
        if ($since instanceof \DateTimeInterface) {
            return $since->format('Y-m-d');
        }
        $date = is_string($since) ? \DateTimeImmutable::createFromFormat('!Y-m-d', $since) : false;
        if ($date === false || $date->format('Y-m-d') !== $since) {
            throw new \InvalidArgumentException(sprintf('The history\'s since must be a date as YYYY-MM-DD, not "%s"', is_scalar($since) ? $since : get_debug_type($since)));
        }
        return $since;
    }
}
