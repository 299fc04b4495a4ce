<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Context;
use Bitrix\Main\DB\Connection;
use Rustbox\Mindbox\Admin\HistoryPage;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\History\Watermark;

/**
 * The history export's admin page: its script's requests (a run started with its options, stepped, paused, resumed,
 * cancelled, a dry run's files removed), allowed to an administrator with the session's token only; what the page
 * shows of a run (state, counts, the cut-over, each part with its transactionId and Mindbox's answer); and the notice
 * on top of every admin page when a run finished or stopped on an error.
 */
final class HistoryPageTest extends HistoryTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        $this->shop->logIn($this->shop->existingCustomer('admin', ['ADMIN' => 'Y']));
        // Shorter than a page takes: each request reads one page.
        $this->shop->configure(['history_step_seconds' => '0.000001'], 's1');
    }

    public function testStartStepsTheRunToItsEndAndThePageShowsItsPartsWithMindboxsAnswers(): void
    {
        $this->history(10, 12);

        [$status, $body] = $this->post('start', ['scope' => 'both', 'since' => '', 'dryRun' => 'N']);
        $this->assertSame(200, $status, json_encode($body));
        $this->assertSame([true, 'running', 'customers'], [$body['running'], $body['state'], $body['phase']]);
        $this->assertSame('Running: reading and sending the customers', $body['stateText']);
        $texts = [];
        for ($requests = 0; $body['running'] && $requests < 60; $requests++) {
            [$status, $body] = $this->post('step');
            $this->assertSame(200, $status, json_encode($body));
            $texts[] = $body['stateText'];
        }
        $this->assertFalse($body['running']);
        $this->assertTrue($body['lastRun']['ok'], implode('; ', $body['lastRun']['errors']));
        $this->assertContains('Running: reading and sending the orders', $texts);
        $this->assertGreaterThan(4, $requests, 'a page per request');

        $block = $this->block();
        $this->assertSame('finished', $block['state']['code']);
        $this->assertMatchesRegularExpression('/^Finished at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \([\d.]+ s\): every part sent$/', $block['state']['text']);
        $last = $body['lastRun'];
        $this->assertSame([
            sprintf('Customers: %d of %d users read, %d customers in the parts written', $last['read']['customers'], $last['read']['customers'], $last['rows']['customers']),
            sprintf('Orders: 12 of 12 read, %d order lines in the parts written', $last['rows']['orders']),
            sprintf('Parts: %d written, %d sent', count($last['parts']), count($last['parts'])),
        ], $block['counts']);
        $tasks = $this->tasks();
        $this->assertSame(array_column($tasks, 'transactionId'), array_column($block['parts']['parts'], 'transactionId'));
        $this->assertSame(array_column($tasks, 'rows'), array_column($block['parts']['parts'], 'rows'));
        $this->assertSame(['sent'], array_values(array_unique(array_column($block['parts']['parts'], 'state'))));
        $this->assertSame(['{"status":"Success"}'], array_values(array_unique(array_column($block['parts']['parts'], 'answer'))));
        $this->assertStringStartsWith('sent at ', $block['parts']['parts'][0]['text']);
        $this->assertSame(['start' => true, 'step' => false, 'pause' => false, 'resume' => false, 'cancel' => false, 'removeFiles' => false], $block['actions']);

        [$notice] = $this->notices();
        $this->assertSame('M', $notice['NOTIFY_TYPE']);
        $this->assertStringContainsString(sprintf('the history export of site s1 finished: %d customers, %d order lines sent in %d parts',
            $last['rows']['customers'], $last['rows']['orders'], count($last['parts'])), $notice['MESSAGE']);
        $this->assertStringContainsString('href="/bitrix/admin/rustbox_mindbox_history.php?lang=', $notice['MESSAGE']);
    }

    public function testPauseHoldsTheRunResumeLetsItGoOnAndCancelDropsIt(): void
    {
        $this->history(10, 12);
        $this->post('start', ['scope' => 'customers']);
        $this->post('step');

        [$status, $body] = $this->post('pause');
        $this->assertSame([200, 'paused', 'Paused: resume it to carry on'], [$status, $body['state'], $body['stateText']]);
        $read = $body['read'];
        $this->assertSame($read, $this->post('step')[1]['read'], 'a paused run is not stepped');
        $block = $this->block();
        $this->assertSame(['start' => false, 'step' => false, 'pause' => false, 'resume' => true, 'cancel' => true, 'removeFiles' => false], $block['actions']);
        $this->assertSame([409, 'Site "s1" has no history run that is running'], $this->refused(['action' => 'pause', 'site' => 's1']));

        [$status, $body] = $this->post('resume');
        $this->assertSame([200, 'running'], [$status, $body['state']]);
        $this->assertGreaterThan($read['customers'], $this->post('step')[1]['read']['customers']);
        $this->assertSame(409, $this->post('start')[0], 'a run is in progress');

        [$status, $body] = $this->post('cancel');
        $this->assertSame([200, false, ['The run was cancelled']], [$status, $body['running'], $body['lastRun']['errors']]);
        $this->assertSame('stopped', $this->block()['state']['code']);
        $this->assertSame([], $this->notices(), 'an administrator\'s cancel needs no notice');
    }

    public function testWhileTheHourlyBudgetHoldsTheRunBackThePageSaysUntilWhenAndWhichPartWaits(): void
    {
        $this->history(10, 0);
        $this->shop->configure(['history_imports_per_hour' => '1']);
        $this->post('start', ['scope' => 'customers']);
        for ($requests = 0; $requests < 20; $requests++) {
            [, $body] = $this->post('step');
            if ($body['state'] !== 'running') {
                break;
            }
        }
        $this->assertSame(['waiting', 'budget'], [$body['state'], $body['waitReason']], json_encode($body));

        $block = $this->block();
        $until = date('Y-m-d H:i:s', $body['retryAt']);
        $this->assertSame('Waiting: the hourly import limit the module keeps (1 an hour, counted for every process and server that shares the outbox); '
            . "it goes on at $until", $block['state']['text']);
        $states = array_column($block['parts']['parts'], 'state');
        $this->assertSame(['sent', 'deferred'], array_slice($states, 0, 2));
        $this->assertStringStartsWith('deferred: the hourly import limit', $block['parts']['parts'][1]['text']);
        $this->assertStringEndsWith("; sent again at $until", $block['parts']['parts'][1]['text']);
        $this->assertCount(1, $this->tasks());
        $this->assertSame(['step' => false, 'pause' => true, 'cancel' => true], array_intersect_key($block['actions'], ['step' => 1, 'pause' => 1, 'cancel' => 1]));
        $this->assertMatchesRegularExpression('/^About \d+ parts left; time left about \d+ h \d\d min \(at most 1 imports an hour\)$/', end($block['counts']));
    }

    public function testAPartMindboxRefusesStopsTheRunWithItsAnswerAndAnErrorNoticeUntilResumed(): void
    {
        $this->history(10, 0);
        $this->shop->configure(['history_op_customers' => 'Unknown.Import']);
        [, $body] = $this->post('start', ['scope' => 'customers']);
        for ($requests = 0; $body['state'] === 'running' && $requests < 5; $requests++) {
            [$status, $body] = $this->post('step');
        }

        $this->assertSame([200, 'failed'], [$status, $body['state']], 'the step went well; the run stopped');
        $block = $this->block();
        $this->assertSame('failed', $block['state']['code']);
        $this->assertStringStartsWith('Stopped by an error: Mindbox refused part customers-0001.csv.gz: HTTP 400', $block['state']['text']);
        $part = $block['parts']['parts'][0];
        $this->assertSame('refused', $part['state']);
        $this->assertStringStartsWith('refused: HTTP 400', $part['text']);
        $this->assertStringContainsString('"httpStatus":400', $part['answer']);
        $this->assertTrue($block['actions']['resume']);
        [$notice] = $this->notices();
        $this->assertSame('E', $notice['NOTIFY_TYPE']);
        $this->assertStringContainsString('the history export of site s1 stopped on an error: Mindbox refused part customers-0001.csv.gz', $notice['MESSAGE']);

        $this->shop->configure(['history_op_customers' => 'DirectCrm.Customers.Import']);
        $this->assertSame(200, $this->post('resume')[0]);
        $this->assertSame([], $this->notices(), 'resumed: the notice is over');
        for ($requests = 0; $body['running'] && $requests < 20; $requests++) {
            [, $body] = $this->post('step');
        }
        $this->assertTrue($body['lastRun']['ok']);
        $this->assertSame($part['transactionId'], $this->tasks()[0]['transactionId'], 'the refused part sent again under its transactionId');
        $this->assertStringContainsString('finished', $this->notices()[0]['MESSAGE']);
    }

    public function testThePreflightsRefusalAndABadOptionAreClearMessagesAndStartNothing(): void
    {
        $this->history(10, 12);
        $this->shop->configure(['status_map' => json_encode(['N' => 'CheckedOut', 'CANCELED' => 'Cancelled'])]);

        [$status, $body] = $this->post('start', ['scope' => 'both']);
        $this->assertSame(422, $status);
        $this->assertMatchesRegularExpression('/^Order statuses in use have no Mindbox status in the status map \(status_map\): "[PF]"/', $body['error']);
        $this->assertFalse($this->job()->status()['running']);
        $this->assertSame('stopped', $this->block()['state']['code']);
        $this->assertStringContainsString('Order statuses in use have no Mindbox status', $this->block()['state']['text']);

        $this->assertSame([422, 'The history\'s since must be a date as YYYY-MM-DD, not "1.2.2020"'],
            $this->refused(['action' => 'start', 'site' => 's1', 'scope' => 'customers', 'since' => '1.2.2020']));
        $this->assertSame(422, $this->refused(['action' => 'start', 'site' => 's1', 'scope' => 'everything'])[0]);
        $this->assertFalse($this->job()->status()['running']);
    }

    public function testADryRunsFilesAreShownAndRemovedOnRequest(): void
    {
        $this->history(10, 0);
        [, $body] = $this->post('start', ['scope' => 'customers', 'dryRun' => 'Y']);
        $this->assertSame(409, $this->post('removeFiles')[0], 'a run in progress keeps its parts');
        for ($requests = 0; $body['running'] && $requests < 20; $requests++) {
            [, $body] = $this->post('step');
        }
        $this->assertSame([], $this->tasks(), 'nothing sent');

        $block = $this->block();
        $directory = $body['lastRun']['directory'];
        $this->assertSame('dryRun', $block['state']['code']);
        $this->assertStringEndsWith("nothing sent; its parts are in $directory", $block['state']['text']);
        $this->assertSame("dry run: kept in $directory/customers-0001.csv.gz", $block['parts']['parts'][0]['text']);
        $this->assertTrue($block['actions']['removeFiles']);
        $this->assertStringContainsString("sent nothing. They are in $directory", $this->notices()[0]['MESSAGE']);

        $this->assertSame(200, $this->post('removeFiles')[0]);
        $this->assertSame([], array_values(array_diff(scandir($directory), ['.', '..'])));
        $block = $this->block();
        $this->assertSame(['removed'], array_values(array_unique(array_column($block['parts']['parts'], 'state'))));
        $this->assertFalse($block['actions']['removeFiles']);
    }

    public function testTheCutOverShownIsTheLiveSyncsFirstUserAndOrderOrWhatThereIs(): void
    {
        $this->history(10, 12);
        $watermark = $this->block()['watermark'];
        $this->assertSame(['bound' => 13, 'live' => false, 'text' => 'IDs up to 12 (all there are now): the live sync has sent none yet'], $watermark['orders']);

        $this->post('start', ['scope' => 'orders']);
        $settings = Settings::forSite('s1');
        Watermark::orderHandled($settings, 20);
        Watermark::userHandled($settings, 9);
        $watermark = $this->block()['watermark'];
        $this->assertSame(['bound' => 13, 'live' => false, 'text' => 'IDs up to 12: the live sync had sent none when the run started, so all there were then'],
            $watermark['orders'], 'the run keeps its bound');

        $this->post('cancel');
        $watermark = $this->block()['watermark'];
        $this->assertSame(['bound' => 20, 'live' => true, 'text' => 'IDs below 20: order 20 is the first the live sync sent to Mindbox'], $watermark['orders']);
        $this->assertSame(['bound' => 9, 'live' => true, 'text' => 'IDs below 9: user 9 is the first the live sync registered in Mindbox'], $watermark['customers']);
    }

    public function testWithoutTheSessionsTokenOrAnAdministratorNothingIsDone(): void
    {
        $this->history(5, 0);
        $this->assertSame([403, 'The session has expired: reload the page.'], $this->refused(['action' => 'start', 'site' => 's1', 'sessid' => 'forged']));
        $this->assertSame(403, $this->refused(['action' => 'start', 'site' => 's1', 'sessid' => ''])[0], 'no token');
        $this->shop->visit(admin: true);
        $this->assertSame(403, HistoryPage::action(Context::getCurrent()->getRequest())['status'], 'not posted');
        $this->assertSame([400, 'Unknown action or site.'], $this->refused(['action' => 'drop', 'site' => 's1']));
        $this->assertSame(400, $this->refused(['action' => 'start', 'site' => 'zz'])[0]);
        $this->assertFalse($this->job()->status()['running'], 'no run started');

        $this->shop->logIn($this->shop->existingCustomer('anna'));
        $this->assertSame([403, 'Only an administrator may export the history.'], $this->refused(['action' => 'start', 'site' => 's1']));
        $this->assertFalse($this->job()->status()['running']);
    }

    public function testAStepHeldElsewhereIsBusy(): void
    {
        $this->history(5, 0);
        $this->post('start', ['scope' => 'customers']);
        Connection::fakeHoldElsewhere('rustbox.mindbox.history.s1');
        [$status, $body] = $this->post('step');
        Connection::fakeHoldElsewhere('rustbox.mindbox.history.s1', false);

        $this->assertSame([409, 'A step of the history run of site "s1" runs in another process'], [$status, $body['error']]);
        $this->assertSame(200, $this->post('step')[0]);
    }

    /** @return array{0: int, 1: array} the page's script posting $action for s1 with the session's token */
    private function post(string $action, array $fields = []): array
    {
        $this->shop->visit(admin: true, post: ['action' => $action, 'site' => 's1', 'sessid' => bitrix_sessid()] + $fields);
        $answer = HistoryPage::action(Context::getCurrent()->getRequest());
        return [$answer['status'], $answer['body']];
    }

    /** @return array{0: int, 1: ?string} the status and error of a post of $fields (with the session's token unless given) */
    private function refused(array $fields): array
    {
        $this->shop->visit(admin: true, post: $fields + ['sessid' => bitrix_sessid()]);
        $answer = HistoryPage::action(Context::getCurrent()->getRequest());
        return [$answer['status'], $answer['body']['error'] ?? null];
    }

    /** What the page shows of s1. */
    private function block(): array
    {
        return array_column(HistoryPage::overview(), null, 'siteId')['s1'];
    }

    /** @return list<array> the history's notices on top of the admin pages */
    private function notices(): array
    {
        return array_values(array_filter(\CAdminNotify::fakeRows(), static fn (array $n) => str_starts_with((string)$n['TAG'], 'rustbox_mindbox_history_')));
    }
}
