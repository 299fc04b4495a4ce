<?php

declare(strict_types=1);

/**
 * 9. The history export (issue 19): the extension's MindboxCsvWriter against a plain PHP fputcsv() loop writing the
 * same rows of the module's imports, then the module's export end to end (HistoryJob, a dry run on the fake core) at
 * two sizes, for its memory.
 */

/** The ways of writing the history's CSV, in the order they run in each round (bench/history/ways.php). */
const BENCH_HISTORY_WAYS = [
    'fputcsv' => 'a plain PHP fputcsv() loop',
    'ext' => 'MindboxCsvWriter',
];

/** The entities whose rows the writer benchmark writes. */
const BENCH_HISTORY_ENTITIES = ['customers' => 'customers', 'orders' => 'order lines'];

function run_history_scenarios(array $config): void
{
    $n = $config['historyWriteRows'];
    foreach (BENCH_HISTORY_ENTITIES as $entity => $noun) {
        scenario("history:write:$entity", sprintf('history CSV, %s %s: %s', number_format($n), $noun, implode(' vs ', BENCH_HISTORY_WAYS)), static function () use ($config, $entity, $n) {
            return bench_history_write($config, $entity, $n);
        });
    }
    foreach ($config['historyJobLines'] as $lines) {
        scenario("history:job:$lines", sprintf('history export, HistoryJob dry run, %s order lines', number_format($lines)), static function () use ($config, $lines) {
            return bench_history_job($config, $lines);
        });
    }
}

/**
 * Each way in turn, for several rounds, each run in a PHP process of its own (bench/history_writer.php); a way's figures
 * are those of its run at the median rate, its rates of every round beside them. The rounds take turns so that what
 * else the machine does meanwhile falls on both ways alike.
 *
 * @return array<string, mixed>
 */
function bench_history_write(array $config, string $entity, int $n): array
{
    global $work;
    $runs = [];
    for ($round = 0; $round < $config['historyWriteRounds']; $round++) {
        foreach (array_keys(BENCH_HISTORY_WAYS) as $way) {
            $runs[$way][] = worker('history_writer.php', ['way' => $way, 'entity' => $entity, 'n' => $n, 'sample' => $config['historyWriteSample'],
                'directory' => "$work/history-writer"], true, 1800);
        }
    }
    $ways = [];
    foreach ($runs as $way => $list) {
        usort($list, static fn (array $a, array $b) => $a['writeRate'] <=> $b['writeRate']);
        $ways[$way] = $list[intdiv(count($list), 2)] + ['rates' => array_column($list, 'writeRate')];
    }
    $ratio = $ways['ext']['writeRate'] / $ways['fputcsv']['writeRate'];
    return ['entity' => $entity, 'rows' => $n, 'ways' => $ways, 'headline' => sprintf(
        'MindboxCsvWriter %s rows/s, fputcsv %s rows/s (%.1f×); %d columns',
        number_format($ways['ext']['writeRate']),
        number_format($ways['fputcsv']['writeRate']),
        $ratio,
        $ways['ext']['columns']
    )];
}

/** @return array<string, mixed> bench/history_job.php's figures and the headline */
function bench_history_job(array $config, int $lines): array
{
    global $work;
    $users = max(10, (int)round($lines * $config['historyJobUsersPerLine']));
    $r = worker('history_job.php', ['users' => $users, 'lines' => $lines, 'directory' => "$work/history-job"], true, 3600);
    return $r + ['headline' => sprintf(
        '%s customers at %s/s, %s order lines at %s/s; VmHWM %.1f MB (the run\'s own %+.1f MB), PHP heap %.1f MB',
        number_format($r['customers']),
        number_format($r['customerRate']),
        number_format($r['lines']),
        number_format($r['lineRate']),
        $r['hwmKiB'] * 1024 / 1e6,
        $r['runRssKiB'] * 1024 / 1e6,
        $r['phpPeakBytes'] / 1e6
    )];
}
