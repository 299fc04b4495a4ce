<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Context;
use Bitrix\Main\DB\Connection;
use Bitrix\Main\SiteTable;
use MindboxTests\Bitrix\Fakes\FakeCatalogue;
use Rustbox\Mindbox\Admin\FeedPage;

/**
 * The product feed's admin page: its script's requests (a run started, carried on a step per request with its
 * progress, cancelled), allowed to an administrator with the session's token only; and what the page shows.
 */
final class FeedPageTest extends FeedTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        $this->shop->logIn($this->shop->existingCustomer('admin', ['ADMIN' => 'Y']));
        // Shorter than a page takes: each request reads one page.
        $this->shop->configure(['feed_step_seconds' => '0.000001'], 's1');
    }

    public function testRegenerateRunsTheFeedAStepPerRequestShowingItsProgressUntilItEnds(): void
    {
        $catalogue = FakeCatalogue::install(30, 3);

        [$status, $body] = $this->post('start');
        $this->assertSame(200, $status);
        $this->assertSame([true, 'map', 0], [$body['running'], $body['phase'], $body['done']]);
        $this->assertGreaterThan(30, $body['total'], 'products and their offers');

        $seen = [];
        for ($requests = 0; $body['running'] && $requests < 50; $requests++) {
            [$status, $body] = $this->post('step');
            $this->assertSame(200, $status, json_encode($body));
            $seen[] = [$body['phase'], $body['done']];
        }
        $this->assertFalse($body['running']);
        $this->assertTrue($body['lastRun']['ok'], implode('; ', $body['lastRun']['errors']));
        $this->assertSame(count(self::sellableElements($catalogue)), $body['lastRun']['offers']);
        $mapped = array_column(array_filter($seen, static fn (array $s) => $s[0] === 'map'), 1);
        $this->assertGreaterThanOrEqual(3, count($mapped), 'a page per request (5 pages of 7 products)');
        $this->assertSame($mapped, array_values(array_unique($mapped)), 'each request further on');
        $this->assertFileExists($this->job()->path());
    }

    public function testCancelDropsTheRunAndTheFeedMadeBeforeStays(): void
    {
        FakeCatalogue::install(30, 3);
        $this->generate();
        $before = file_get_contents($this->job()->path());

        $this->post('start');
        $this->post('step');
        [$status, $body] = $this->post('cancel');

        $this->assertSame(200, $status);
        $this->assertFalse($body['running']);
        $this->assertSame([false, ['The run was cancelled']], [$body['lastRun']['ok'], $body['lastRun']['errors']]);
        $this->assertSame($before, file_get_contents($this->job()->path()));
        $this->assertSame([200, false], [$this->post('status')[0], $this->post('status')[1]['running']]);
    }

    public function testWithoutTheSessionsTokenOrAnAdministratorNothingIsDone(): void
    {
        FakeCatalogue::install(10, 3);

        $this->assertSame([403, 'The session has expired: reload the page.'], $this->refused(['action' => 'start', 'site' => 's1', 'sessid' => 'forged']));
        $this->assertSame(403, $this->refused(['action' => 'start', 'site' => 's1'])[0], 'no token');
        $this->shop->visit(admin: true);
        $this->assertSame(403, FeedPage::action(Context::getCurrent()->getRequest())['status'], 'not posted');
        $this->assertFalse($this->job()->status()['running'], 'no run started');

        $this->assertSame([400, 'Unknown action or site.'], $this->refused(['action' => 'drop', 'site' => 's1', 'sessid' => bitrix_sessid()]));
        $this->assertSame(400, $this->refused(['action' => 'start', 'site' => 'zz', 'sessid' => bitrix_sessid()])[0]);

        $this->shop->logIn($this->shop->existingCustomer('anna'));
        $this->assertSame([403, 'Only an administrator may make the feed.'], $this->refused(['action' => 'start', 'site' => 's1', 'sessid' => bitrix_sessid()]));
        $this->assertFalse($this->job()->status()['running']);
    }

    public function testARunHeldElsewhereIsBusyAndTheScriptMayWaitForIt(): void
    {
        FakeCatalogue::install(10, 3);
        $this->post('start');
        $this->assertSame(409, $this->post('start')[0], 'a run is in progress');

        Connection::fakeHoldElsewhere('rustbox.mindbox.feed.s1');
        [$status, $body] = $this->post('step');
        $this->assertSame([409, 'A step of the feed run of site "s1" runs in another process'], [$status, $body['error']]);
        Connection::fakeHoldElsewhere('rustbox.mindbox.feed.s1', false);

        $this->assertSame(200, $this->post('step')[0]);
    }

    public function testAFailedRunAnswers500WithItsReason(): void
    {
        FakeCatalogue::install(10, 3);
        $this->shop->configure(['feed_iblock_id' => ''], 's1');

        [$status, $body] = $this->post('start');

        $this->assertSame(500, $status);
        $this->assertStringContainsString('feed_iblock_id', $body['error']);
        $this->assertStringContainsString('feed_iblock_id', $this->job()->lastRun()['errors'][0]);
    }

    public function testThePageShowsEachSitesLastRunAndTheAddressesToPasteIntoMindbox(): void
    {
        FakeCatalogue::install(10, 3);
        $this->shop->configure(['feed_regions' => '{"msk": {"priceType": 1}}'], 's1');
        $summary = $this->generate();
        SiteTable::fakeSet('s2', ['SERVER_NAME' => '']);

        [$s1, $s2] = FeedPage::overview();

        $this->assertSame(['s1', true, false, $summary], [$s1['siteId'], $s1['enabled'], $s1['protected'], $s1['status']['lastRun']]);
        $this->assertSame($summary['url'], $s1['url']);
        $this->assertStringStartsWith('https://shop.example/bitrix/tools/rustbox.mindbox/feed.php?site=s1&token=', $s1['endpoint']);
        $this->assertSame(['msk'], array_keys($s1['zones']));
        $this->assertSame($summary['regions']['msk']['url'], $s1['zones']['msk']['url']);
        $this->assertStringEndsWith('&zone=msk', $s1['zones']['msk']['endpoint']);
        $this->assertSame(['s2', false, null, null], [$s2['siteId'], $s2['enabled'], $s2['status']['lastRun'], $s2['url']]);
        $this->assertStringContainsString('has no server name', $s2['error']);
    }

    /** @return array{0: int, 1: array} the page's script posting $action for s1 with the session's token */
    private function post(string $action): array
    {
        $this->shop->visit(admin: true, post: ['action' => $action, 'site' => 's1', 'sessid' => bitrix_sessid()]);
        $answer = FeedPage::action(Context::getCurrent()->getRequest());
        return [$answer['status'], $answer['body']];
    }

    /** @return array{0: int, 1: ?string} the status and error of a post of $fields */
    private function refused(array $fields): array
    {
        $this->shop->visit(admin: true, post: $fields);
        $answer = FeedPage::action(Context::getCurrent()->getRequest());
        return [$answer['status'], $answer['body']['error'] ?? null];
    }
}
