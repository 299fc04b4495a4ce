<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

/**
 * tools/history.php as a shell or cron runs it: a PHP process of its own that starts the site's core (the fake one,
 * through FakeSite) and exports the history; the progress on stderr, what was done on stdout, the exit status.
 */
final class HistoryCommandTest extends HistoryTestCase
{
    public function testItExportsTheHistoryShowingItsProgressOnStderrAndWhatWasDoneOnStdout(): void
    {
        $site = $this->site([12, 10, 3]);

        [$status, $out, $err] = $this->command(['--site=s1'], $site);

        $this->assertSame(0, $status, $err);
        $this->assertMatchesRegularExpression('~^History s1: (\d+) customers from 13 read in (\d+) parts, (\d+) order lines from 10 read in (\d+) parts, sent in [\d.]+ s\n$~', $out);
        $this->assertMatchesRegularExpression('~^History s1, customers read: 13/13 in \d+\.\d s, [\d,]+/s$~m', $err, 'every user read');
        $this->assertMatchesRegularExpression('~^History s1, orders read: 10/10 in \d+\.\d s, [\d,]+/s$~m', $err);
        $this->assertMatchesRegularExpression('~^History s1: customers-0001\.csv\.gz sent \(\d rows, [\d,]+ bytes\); 1 of 1 parts sent, about \d+ left, ETA .+ at 60 imports an hour$~m', $err);
        $this->assertMatchesRegularExpression('~^History s1: orders-0001\.csv sent \(\d rows~m', $err);
        $this->assertSame(count(self::customerIds()) + array_sum(array_map('count', self::expectedLines())), $this->assertTasksClean());
    }

    public function testADryRunSaysWhereItsPartsAre(): void
    {
        $site = $this->site([12, 0, 3]);

        [$status, $out] = $this->command(['--site=s1', '--dry-run', '--scope=customers'], $site);

        $this->assertSame(0, $status);
        $this->assertMatchesRegularExpression('~^History s1: \d+ customers from 13 read in 2 parts, written \(dry run: nothing sent\) in [\d.]+ s\n'
            . '  in ' . preg_quote($this->parts, '~') . '/history/s1: customers-0001\.csv\.gz, customers-0002\.csv\.gz\n$~', $out);
        $this->assertFileExists($this->parts . '/history/s1/customers-0002.csv.gz');
        $this->assertSame([], $this->tasks());
    }

    public function testWithoutWaitingItStopsWhileMindboxDefersAndTheNextCommandCarriesTheRunOn(): void
    {
        $this->shop->configure(['history_imports_per_hour' => '1']);
        $site = $this->site([12, 0, 3]);

        [$status, $out, $err] = $this->command(['--site=s1', '--no-wait', '--scope=customers'], $site);

        $this->assertSame(3, $status, $err);
        $this->assertMatchesRegularExpression('~^History s1: Mindbox defers the imports until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d; run this again then to carry the run on\n$~', $out);
        $this->assertMatchesRegularExpression('~^History s1: Mindbox defers the imports \(the hourly import limit\): waiting until .+; 1 of 2 parts sent, about 1 left, ETA .+ at 1 imports an hour$~m', $err);
        $this->assertCount(1, $this->tasks());

        [$status, , $err] = $this->command(['--site=s1', '--no-wait', '--scope=orders'], $site);
        $this->assertSame(1, $status);
        $this->assertMatchesRegularExpression('~^History s1 failed: a run started at .+ is in progress \(waiting\): carry it on without --scope, --since and --dry-run, or cancel it on the admin page$~m', $err);
        [$status] = $this->command(['--site=s1', '--no-wait'], $site);
        $this->assertSame(3, $status, 'carried on, and still held back');
        $this->assertSame('customers', $this->sharedRun($site)['setup']['scope'][0]);
    }

    public function testTwoProcessesExportingAtOnceKeepTogetherToTheHourlyBudgetOfTheirOutbox(): void
    {
        $this->shop->configure(['history_imports_per_hour' => '2']);
        // Each process its own b_option: the two sites' runs, one outbox and one endpoint.
        $site = array_diff_key(['sites' => ['s1' => 'Shop', 's2' => 'Outlet']] + $this->site([14, 0, 3]), ['optionsFile' => true]);
        $processes = [];
        foreach (['s1', 's2'] as $siteId) {
            $processes[$siteId] = $this->startCommand(["--site=$siteId", '--no-wait', '--scope=customers'], $site, $siteId);
        }
        $statuses = [];
        foreach ($processes as $siteId => $process) {
            try {
                $statuses[$siteId] = $process->wait(120);
            } finally {
                $process->stop();
            }
        }

        $this->assertCount(2, $this->tasks(), 'two imports in the hour, of four the two runs had');
        $this->assertContains(3, $statuses, 'one run at least is held back: ' . json_encode($statuses));
        $this->assertSame([], array_diff($statuses, [0, 3]));
    }

    public function testBusyBadArgumentsAndAnAmbiguousSiteExitWithWhatIsWrong(): void
    {
        $site = $this->site([3, 0, 3]);
        [$status, , $err] = $this->command(['--site=s1'], $site + ['heldElsewhere' => ['rustbox.mindbox.history.s1']]);
        $this->assertSame(2, $status);
        $this->assertStringEndsWith("History s1 failed: A step of the history run of site \"s1\" runs in another process\n", $err);

        [$status, , $err] = $this->command(['--scope'], $site);
        $this->assertSame(1, $status);
        $this->assertStringStartsWith("--scope: \"\" is not a value it takes\nUsage: php bitrix/modules/rustbox.mindbox/tools/history.php", $err);

        [$status, , $err] = $this->command(['--scope=all'], $site);
        $this->assertSame(1, $status);
        $this->assertStringEndsWith("History s1 failed: The history scope must be both, customers or orders, not \"all\"\n", $err);

        [$status, , $err] = $this->command(['--since=2020-02-30'], $site);
        $this->assertSame(1, $status);
        $this->assertStringEndsWith("History s1 failed: The history's since must be a date as YYYY-MM-DD, not \"2020-02-30\"\n", $err);

        [$status, , $err] = $this->command([], ['sites' => ['s1' => 'Shop', 's2' => 'Outlet']] + $site);
        $this->assertSame(1, $status);
        $this->assertSame("History ? failed: give --site, one of s1, s2\n", $err);
    }
}
