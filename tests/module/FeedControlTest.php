<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Application;
use Bitrix\Main\DB\Connection;
use MindboxTests\Bitrix\Fakes\FakeCatalogue;
use Rustbox\Mindbox\Feed\FeedBusyException;
use Rustbox\Mindbox\Feed\FeedException;

/** What the CLI, the agent and the admin page rely on: one run at a time, its summary, the feed's address, gzip, cost. */
final class FeedControlTest extends FeedTestCase
{
    public function testARunInProgressOrAStepInAnotherProcessRefusesASecondRun(): void
    {
        FakeCatalogue::install(20, 3);
        $this->job()->start();
        $this->assertBusy(fn () => $this->job()->start(), 'is in progress');

        Connection::fakeHoldElsewhere('rustbox.mindbox.feed.s1');
        $this->assertBusy(fn () => $this->job()->step(), 'runs in another process');
        $this->assertBusy(fn () => $this->job()->run(), 'runs in another process');
        $this->assertBusy(fn () => $this->job()->cancel(), 'runs in another process');
        Connection::fakeHoldElsewhere('rustbox.mindbox.feed.s1', false);

        $this->assertTrue($this->job()->status()['running']);
        $this->job()->cancel();
        $this->assertFalse($this->job()->status()['running']);
        $this->assertSame(['The run was cancelled'], $this->job()->lastRun()['errors']);
        $this->job()->start();
        $this->assertTrue($this->job()->run()['ok'], 'run() carries the run in progress to its end');
    }

    public function testTheSummaryGivesTheAddressToPasteIntoMindboxWhichStaysTheSameFromRunToRun(): void
    {
        $catalogue = FakeCatalogue::install(12, 3);
        $summary = $this->generate();

        $url = $this->job()->url();
        $this->assertMatchesRegularExpression('#^https://shop\.example/upload/rustbox\.mindbox/[0-9a-f]{32}/catalog\.yml$#', $url);
        $this->assertSame($url, $summary['url']);
        $this->assertSame($this->shop->documentRoot . substr($url, strlen('https://shop.example')), $this->job()->path());
        $this->assertSame(filesize($this->job()->path()), $summary['bytes']);
        $this->assertSame(count(self::sellableElements($catalogue)), $summary['offers']);
        $this->assertGreaterThanOrEqual($summary['started'], $summary['finished']);
        $this->assertSame(['ok', 'errors', 'offers', 'skipped', 'descriptionsCut', 'bytes', 'url', 'regions'], array_slice(array_keys($summary), 3));
        $this->assertSame($summary, $this->job()->status()['lastRun']);
        $this->assertSame($url, $this->generate()['url'], 'the token is made once');
        \Bitrix\Main\SiteTable::fakeSet('s2', ['SERVER_NAME' => 'outlet.example']);
        $this->assertNotSame(dirname($url), dirname(\Rustbox\Mindbox\Feed\FeedJob::forSite('s2')->url()), 'each site has its own token');
    }

    public function testUninstallingDeletesTheFeedsButNotAnotherModulesUploads(): void
    {
        FakeCatalogue::install(12, 3);
        $this->generate();
        $this->job()->start();
        $this->job()->step(0.0);
        $feed = $this->job()->path();
        $others = dirname($feed, 3) . '/iblock/picture.jpg';
        mkdir(dirname($others), 0755, true);
        file_put_contents($others, 'a picture');
        $this->assertFileExists($feed);

        $this->assertTrue($this->shop->uninstallModule());
        $this->assertDirectoryDoesNotExist(dirname($feed, 2), 'the feeds, the staging and the module\'s upload folder');
        $this->assertFileExists($others);
    }

    public function testAGzipFeedIsCompressedAndNamedSo(): void
    {
        FakeCatalogue::install(12, 3);
        $this->shop->configure(['feed_gzip' => 'Y'], 's1');
        $summary = $this->generate();

        $this->assertStringEndsWith('/catalog.yml.gz', $summary['url']);
        $this->assertSame("\x1f\x8b", file_get_contents($this->job()->path(), false, null, 0, 2));
        $this->assertCount($summary['offers'], $this->offers(), 'read through gzip');
    }

    public function testASiteThatCannotHaveAFeedFailsWithAMessageSayingWhatToSet(): void
    {
        FakeCatalogue::install(3, 3);
        $this->shop->configure(['feed_iblock_id' => ''], 's1');
        $this->assertFails('feed_iblock_id');
        $this->shop->configure(['feed_iblock_id' => (string)FakeCatalogue::OFFERS_IBLOCK + 10], 's1');
        $this->assertFails('is not a trade catalogue');
        $this->shop->configure(['feed_iblock_id' => '2'], 's1');
        \Bitrix\Main\SiteTable::fakeSet('s1', ['SERVER_NAME' => '']);
        $this->assertFails('has no server name');
    }

    /**
     * A page costs the same queries whatever its size: the offers, prices, properties and the rest of a page are read
     * for the whole page. (A list property's values would add one query per distinct value on the page, as the core
     * reads them; the params here are string properties.)
     */
    public function testTheQueriesOfAPageDoNotGrowWithItsSize(): void
    {
        FakeCatalogue::install(150, 5);
        $this->shop->configure(['feed_params' => 'MATERIAL', 'feed_regions' => '{"spb": {"store": 7, "priceType": 2}}'], 's1');
        $this->job()->start();
        $this->job()->step(0.0);
        $queries = function (int $size): array {
            $this->shop->configure(['feed_page_size' => (string)$size], 's1');
            $tracker = Application::getConnection()->startTracker(true);
            $this->job()->step(0.0);
            Application::getConnection()->stopTracker();
            return array_map(static fn ($query) => $query->getSql(), $tracker->getQueries());
        };

        $small = $queries(4);
        $large = $queries(60);
        $this->assertSame(count($small), count($large), implode("\n", $large));
        $this->assertLessThan(25, count($large));
    }

    private function assertBusy(callable $call, string $message): void
    {
        try {
            $call();
            $this->fail('not refused');
        } catch (FeedBusyException $e) {
            $this->assertStringContainsString($message, $e->getMessage());
        }
    }

    private function assertFails(string $message): void
    {
        try {
            $this->job()->run();
            $this->fail('the run went on');
        } catch (FeedException|\InvalidArgumentException $e) {
            $this->assertStringContainsString($message, $e->getMessage());
        }
        $this->assertStringContainsString($message, $this->job()->lastRun()['errors'][0]);
    }
}
