<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Event;
use Bitrix\Main\EventManager;
use Bitrix\Main\EventResult;
use MindboxTests\Bitrix\Fakes\FakeCatalogue;
use MindboxTests\Support\Binaries;
use Rustbox\Mindbox\Feed\RunState;

/**
 * A run in steps, each a request of its own, over a catalogue that changes between them; a step that died half-way;
 * runs that fail, while mapping or while writing, leave the previous feeds served.
 */
final class FeedRunTest extends FeedTestCase
{
    public function testARunInStepsWhileProductsComeAndGoBetweenThemLosesOrDoublesNone(): void
    {
        $catalogue = FakeCatalogue::install(60, 11);
        $before = $catalogue->productIds();
        $this->job()->start();
        $deleted = [];
        $inserted = [];
        for ($step = 0; $this->job()->status()['running']; $step++) {
            $this->shop->visit();
            $this->job()->step(0.0);
            if ($step % 2 === 0) {
                $changes = $catalogue->mutate(2, 2);
                array_push($deleted, ...$changes['deleted']);
                array_push($inserted, ...$changes['inserted']);
            }
            $this->assertLessThan(50, $step, 'the run ends');
        }
        $this->assertGreaterThan(8, $step, 'a page a step');
        $this->assertTrue($this->job()->lastRun()['ok']);

        $offers = $this->offers();
        $kept = array_diff($before, $deleted);
        foreach ($kept as $productId) {
            foreach ($catalogue->offersOf($productId) ?: [$productId] as $id) {
                $this->assertArrayHasKey(self::xmlId($id), $offers, "element $id, there all along");
            }
        }
        $this->assertNotSame([], array_filter($inserted, static fn (int $id) => $id < max($kept)), 'products were inserted among the others');
    }

    public function testAStepThatDiedAfterWritingItsPageButBeforeRecordingItIsRedoneOnce(): void
    {
        $catalogue = FakeCatalogue::install(30, 3);
        $this->job()->start();
        $this->job()->step(0.0);
        $this->job()->step(0.0);
        // A third step wrote its page, then its process was killed before the run's state recorded it.
        $staging = dirname($this->job()->path()) . '/.staging/offers.jsonl';
        $recorded = RunState::load('s1')->length;
        $this->assertSame($recorded, filesize($staging));
        file_put_contents($staging, file_get_contents($staging, false, null, 0, intdiv($recorded, 2)), FILE_APPEND);

        $this->shop->visit();
        $this->assertFalse($this->job()->step(600.0)['running']);
        $this->assertEqualsCanonicalizing(array_map([self::class, 'xmlId'], self::sellableElements($catalogue)), array_keys($this->offers()));
    }

    public function testAnExceptionWhileReadingTheCatalogueEndsTheRunAndLeavesThePreviousFeed(): void
    {
        FakeCatalogue::install(40, 3);
        $this->generate();
        $path = $this->job()->path();
        $previous = file_get_contents($path);
        EventManager::getInstance()->addEventHandler('rustbox.mindbox', 'OnGetProductId', static function (Event $event): EventResult {
            if ($event->getParameter('elementId') === 300) {
                throw new \RuntimeException('the site\'s handler failed on element 300');
            }
            return new EventResult(EventResult::SUCCESS, ['productId' => 'new-' . $event->getParameter('elementId')]);
        });

        try {
            $this->job()->run();
            $this->fail('the run went on');
        } catch (\RuntimeException $e) {
            $this->assertSame('the site\'s handler failed on element 300', $e->getMessage());
        }
        $this->assertSame($previous, file_get_contents($path), 'the previous feed is served');
        $this->assertFalse($this->job()->status()['running'], 'the run ended');
        $last = $this->job()->lastRun();
        $this->assertFalse($last['ok']);
        $this->assertSame(['the site\'s handler failed on element 300'], $last['errors']);
        $this->assertSame($this->job()->url(), $last['url'], 'where the previous feed still is');
        $this->assertSame(['catalog.yml'], $this->filesBeside($path), 'no staging or temporary file left');
    }

    public function testAFailureWhileWritingTheFeedsLeavesEveryPreviousFeedAndNoTemporaryFile(): void
    {
        FakeCatalogue::install(20, 3);
        $this->shop->configure(['feed_regions' => '{"msk": {"priceType": 2}}'], 's1');
        $this->generate();
        $paths = [$this->job()->path(), $this->job()->path('msk')];
        $previous = array_map('file_get_contents', $paths);
        $this->job()->start();
        while (RunState::load('s1')->phase === RunState::MAP) {
            $this->job()->step(0.0);
        }
        // The staged offers are priced in roubles; a head without currencies makes the writer refuse the first one.
        $head = dirname($paths[0]) . '/.staging/head.json';
        file_put_contents($head, json_encode(['currencies' => []] + json_decode(file_get_contents($head), true)));

        try {
            $this->job()->step(600.0);
            $this->fail('the feeds were written');
        } catch (\MindboxInvalidArgumentException $e) {
            $this->assertStringContainsString('currencyId', $e->getMessage());
        }
        $this->assertSame($previous, array_map('file_get_contents', $paths));
        $this->assertSame(['catalog-msk.yml', 'catalog.yml'], $this->filesBeside($paths[0]));
        $this->assertFalse($this->job()->lastRun()['ok']);
    }

    public function testAWriterKilledWithItsProcessLeavesATemporaryFileThatTheNextRunRemoves(): void
    {
        FakeCatalogue::install(5, 3);
        $this->generate();
        $path = $this->job()->path();
        $previous = file_get_contents($path);
        $code = sprintf('$w = new MindboxFeedWriter(%s); $w->shop(["name" => "a", "company" => "b", "url" => "https://c.example"]);'
            . ' posix_kill(getmypid(), SIGKILL);', var_export($path, true));
        exec(sprintf('%s -d extension=%s -r %s 2>&1', escapeshellarg(PHP_BINARY), escapeshellarg(Binaries::extension()), escapeshellarg($code)), $out, $status);
        $this->assertSame(128 + SIGKILL, $status, 'killed: ' . implode("\n", $out));
        $this->assertSame($previous, file_get_contents($path));
        $this->assertCount(1, glob(dirname($path) . '/.catalog.yml.*.tmp'), 'the writer\'s temporary file, left behind');

        $this->generate();
        $this->assertSame([], glob(dirname($path) . '/.catalog*.tmp'));
    }

    public function testProgressCountsElementsReadThenOffersWritten(): void
    {
        $catalogue = FakeCatalogue::install(25, 3);
        $calls = [];
        $summary = $this->job()->run(static function (int $done, int $total, string $phase) use (&$calls): void {
            $calls[] = [$phase, $done, $total];
        });

        $elements = count($catalogue->productIds()) + array_sum(array_map(static fn (int $id) => count($catalogue->offersOf($id)), $catalogue->productIds()));
        $map = array_values(array_filter($calls, static fn (array $c) => $c[0] === 'map'));
        $this->assertCount((int)ceil(count($catalogue->productIds()) / 7), $map, 'one call a page');
        $this->assertSame(['map', $elements, $elements], end($map));
        $this->assertSame(['assemble', $summary['offers'], $summary['offers']], end($calls));
    }

    /** @return list<string> the files in the feed's folder, the empty staging folder aside */
    private function filesBeside(string $path): array
    {
        $this->assertSame([], array_values(array_diff(scandir(dirname($path) . '/.staging'), ['.', '..'])), 'staging emptied');
        $files = array_values(array_diff(scandir(dirname($path)), ['.', '..', '.staging']));
        sort($files);
        return $files;
    }
}
