<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxException;
use MindboxFeedWriter;
use MindboxInvalidArgumentException;
use PHPUnit\Framework\TestCase;
use SimpleXMLElement;

/**
 * The product feed from PHP: what Mindbox reads back, its limits, and the previous feed kept whenever the new one
 * is not finished.
 */
final class FeedWriterTest extends TestCase
{
    private string $dir;

    protected function setUp(): void
    {
        $this->dir = sys_get_temp_dir() . '/mindbox-feed-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->dir, 0700);
    }

    protected function tearDown(): void
    {
        foreach (scandir($this->dir) ?: [] as $name) {
            if ($name !== '.' && $name !== '..') {
                unlink("$this->dir/$name");
            }
        }
        rmdir($this->dir);
    }

    /** A writer past its categories: currency RUB, categories 1 and 2. */
    private function started(string $path, bool $gzip = false): MindboxFeedWriter
    {
        $writer = new MindboxFeedWriter($path, ['gzip' => $gzip]);
        $writer->shop(['name' => 'Shop', 'company' => 'Shop & Co', 'url' => 'https://shop.example']);
        $writer->currencies([['id' => 'RUB', 'rate' => 1], ['id' => 'USD', 'rate' => 80.5]]);
        $writer->categories([['id' => 1, 'name' => 'Dresses'], ['id' => 2, 'parentId' => 1, 'name' => 'Evening']]);
        return $writer;
    }

    /** @return list<string> */
    private function leftovers(): array
    {
        return array_values(preg_grep('/\.tmp$/', scandir($this->dir) ?: []) ?: []);
    }

    private function read(string $path): SimpleXMLElement
    {
        $xml = simplexml_load_string((string) file_get_contents($path));
        self::assertInstanceOf(SimpleXMLElement::class, $xml, 'the feed is well-formed XML');
        return $xml;
    }

    public function testAFeedReadsBackAsWritten(): void
    {
        $path = "$this->dir/feed.yml";
        $writer = $this->started($path);
        $writer->offers([[
            'id' => 'sku-1', 'available' => false, 'group_id' => 100, 'url' => 'https://shop.example/p?a=1&b=2',
            'price' => 1299.5, 'oldprice' => 1500, 'currencyId' => 'RUB', 'categoryId' => [1, 2],
            'picture' => ['https://cdn.example/1.jpg'], 'name' => "Tom & \"Jerry\" <'1'>\x01\x1F", 'vendor' => 'Brand',
            'vendorCode' => 'A-1', 'description' => '<p>Silk</p>', 'param' => ['COLOR_REF' => ['red', 'blue'], 'Size' => 'M'],
        ]]);
        $summary = $writer->finish();

        $xml = $this->read($path);
        self::assertMatchesRegularExpression('/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/', (string) $xml['date']);
        self::assertSame('Shop & Co', (string) $xml->shop->company);
        self::assertSame('80.5', (string) $xml->shop->currencies->currency[1]['rate'], 'rates are never truncated');
        self::assertSame('1', (string) $xml->shop->categories->category[1]['parentId']);
        $offer = $xml->shop->offers->offer[0];
        self::assertSame('sku-1', (string) $offer['id']);
        self::assertSame('false', (string) $offer['available']);
        self::assertSame('100', (string) $offer['group_id']);
        self::assertSame('https://shop.example/p?a=1&b=2', (string) $offer->url);
        self::assertSame(['1', '2'], array_map('strval', iterator_to_array($offer->categoryId, false)));
        self::assertSame('Tom & "Jerry" <\'1\'>', (string) $offer->name, 'escaped, and control characters removed');
        self::assertSame('<p>Silk</p>', (string) $offer->description);
        self::assertSame('red|blue', (string) $offer->param[0]);
        self::assertSame('COLOR_REF', (string) $offer->param[0]['name'], 'parameter names are kept');
        self::assertSame(
            ['path' => $path, 'offers' => 1, 'categories' => 2, 'skipped' => ['idTooLong' => 0], 'descriptionsCut' => 0,
                'bytes' => filesize($path)],
            array_diff_key($summary, ['seconds' => 0]),
        );
        self::assertIsFloat($summary['seconds']);
        self::assertSame([], $this->leftovers());
    }

    public function testMindboxLimitsSkipOrCutAndAreCounted(): void
    {
        $path = "$this->dir/feed.yml";
        $writer = $this->started($path);
        $writer->offers([
            ['id' => str_repeat('x', 201), 'categoryId' => 1],
            ['id' => str_repeat('y', 200), 'categoryId' => 1, 'description' => str_repeat('я', 10_001)],
            ['id' => 'ok', 'categoryId' => 2, 'price' => '99.999', 'currencyId' => 'RUB'],
        ]);
        $summary = $writer->finish();

        self::assertSame(2, $summary['offers']);
        self::assertSame(['idTooLong' => 1], $summary['skipped']);
        self::assertSame(1, $summary['descriptionsCut']);
        $offers = $this->read($path)->shop->offers->offer;
        self::assertSame(10_000, mb_strlen((string) $offers[0]->description), 'cut at a character boundary');
        self::assertSame('100', (string) $offers[1]->price, 'prices are money: 2 decimals');
    }

    public function testSkusCarryTheirProduct(): void
    {
        $path = "$this->dir/feed.yml";
        $writer = $this->started($path);
        $writer->offers([
            ['id' => '101', 'group_id' => '100', 'categoryId' => 1, 'param' => ['Size' => 'S']],
            ['id' => '102', 'group_id' => '100', 'categoryId' => 1, 'param' => ['Size' => 'M']],
        ]);
        $writer->finish();
        foreach ($this->read($path)->shop->offers->offer as $offer) {
            self::assertSame('100', (string) $offer['group_id']);
        }
    }

    /**
     * @dataProvider badBatches
     * @param array<array<string, mixed>> $batch
     */
    public function testBadInputNamesTheOfferAndLeavesTheOldFeed(array $batch, string $path, string $said): void
    {
        $target = "$this->dir/feed.yml";
        file_put_contents($target, 'the old feed');
        $writer = $this->started($target);
        try {
            $writer->offers($batch);
            self::fail('no exception');
        } catch (MindboxInvalidArgumentException $e) {
            self::assertSame($path, $e->getPath(), $e->getMessage());
            self::assertStringContainsString($said, $e->getMessage());
        }
        self::assertSame([], $this->leftovers(), 'the new file is removed at once');
        self::assertSame('the old feed', file_get_contents($target));
        $this->expectException(MindboxInvalidArgumentException::class);
        $this->expectExceptionMessage('closed');
        $writer->finish();
    }

    /** @return array<string, array{array<array<string, mixed>>, string, string}> */
    public function badBatches(): array
    {
        $ok = static fn (int $id): array => ['id' => $id, 'categoryId' => 1];
        return [
            'duplicate id' => [[$ok(1), $ok(2), ['id' => '1', 'categoryId' => 2]], 'offers[2].id', 'offer "1"'],
            'unknown category' => [[$ok(1), $ok(2), $ok(3), ['id' => 'sku-4', 'categoryId' => 77]], 'offers[3].categoryId', 'offer "sku-4"'],
            'unknown currency' => [[['id' => 5, 'categoryId' => 1, 'price' => 1, 'currencyId' => 'EUR']], 'offers[0].currencyId', 'EUR'],
            'negative price' => [[['id' => 5, 'categoryId' => 1, 'price' => -1, 'currencyId' => 'RUB']], 'offers[0].price', 'negative'],
            'unknown field' => [[['id' => 5, 'categoryId' => 1, 'colour' => 'red']], 'offers[0].colour', 'not a field'],
            'not UTF-8' => [[['id' => 5, 'categoryId' => 1, 'name' => "\xC0\xAF"]], 'offers[0].name', 'UTF-8'],
            // array_filter() leaves holes: an offer is named by its key, and keys with a hole are not a list.
            'filtered offers' => [array_filter([$ok(1), [], ['id' => 3]]), 'offers[2].categoryId', 'required'],
            'filtered categories' => [[['id' => 5, 'categoryId' => array_filter([1, 0, 2])]], 'offers[0].categoryId', 'string or a number'],
        ];
    }

    public function testSectionsOutOfOrderAreRefused(): void
    {
        $writer = new MindboxFeedWriter("$this->dir/feed.yml");
        $writer->shop(['name' => 'Shop', 'company' => 'Co', 'url' => 'https://shop.example']);
        try {
            $writer->offers([]);
            self::fail('no exception');
        } catch (MindboxInvalidArgumentException $e) {
            self::assertStringContainsString('offers() before currencies()', $e->getMessage());
        }
        self::assertFileDoesNotExist("$this->dir/feed.yml");
    }

    public function testGzipDecompressesToTheSameFeed(): void
    {
        $feeds = [];
        foreach (['feed.yml' => false, 'feed.yml.gz' => true] as $name => $gzip) {
            $writer = $this->started("$this->dir/$name", $gzip);
            $writer->offers(array_map(static fn (int $i): array => ['id' => $i, 'categoryId' => 1, 'name' => "Платье $i"], range(1, 2000)));
            $summary = $writer->finish();
            self::assertSame(filesize("$this->dir/$name"), $summary['bytes']);
            $feeds[$name] = (string) file_get_contents("$this->dir/$name");
        }
        $unzipped = gzdecode($feeds['feed.yml.gz']);
        $withoutDate = static fn (string $xml): string => (string) preg_replace('/date="[^"]*"/', '', $xml);
        self::assertSame($withoutDate($feeds['feed.yml']), $withoutDate((string) $unzipped));
        self::assertLessThan(strlen($feeds['feed.yml']) / 5, strlen($feeds['feed.yml.gz']));
    }

    public function testAnAbandonedOrAbortedWriterLeavesTheOldFeed(): void
    {
        $target = "$this->dir/feed.yml";
        file_put_contents($target, 'the old feed');
        $writer = $this->started($target);
        $writer->offers([['id' => 1, 'categoryId' => 1]]);
        self::assertCount(1, $this->leftovers(), 'written beside the target');
        unset($writer);
        self::assertSame([], $this->leftovers());
        $writer = $this->started($target);
        $writer->abort();
        self::assertSame([], $this->leftovers());
        self::assertSame('the old feed', file_get_contents($target));
    }

    public function testAnUnwritableDirectoryIsAMindboxException(): void
    {
        try {
            new MindboxFeedWriter("$this->dir/missing/feed.yml");
            self::fail('no exception');
        } catch (MindboxException $e) {
            self::assertNotInstanceOf(MindboxInvalidArgumentException::class, $e);
            self::assertStringContainsString("$this->dir/missing/feed.yml", $e->getMessage());
        }
        $this->expectException(MindboxInvalidArgumentException::class);
        new MindboxFeedWriter("$this->dir/feed.yml", ['gzip' => 'yes']);
    }

    public function testMemoryStaysFlatOverTwoHundredThousandOffers(): void
    {
        $path = "$this->dir/feed.yml.gz";
        $writer = $this->started($path, true);
        $batch = static fn (int $from): array => array_map(
            static fn (int $i): array => ['id' => "offer-$i", 'available' => $i % 7 !== 0, 'price' => $i % 5000 + 0.5,
                'currencyId' => 'RUB', 'categoryId' => 1 + $i % 2, 'name' => "Платье № $i", 'param' => ['Size' => ['S', 'M']]],
            range($from, $from + 999),
        );
        // The first batches settle the allocators; growth is measured from there.
        for ($from = 0; $from < 10_000; $from += 1000) {
            $writer->offers($batch($from));
        }
        $rssBefore = self::rssKb();
        $phpBefore = memory_get_usage();
        for (; $from < 200_000; $from += 1000) {
            $writer->offers($batch($from));
        }
        $rssGrowthMb = (self::rssKb() - $rssBefore) / 1024;
        $phpGrowthMb = (memory_get_usage() - $phpBefore) / 1048576;
        $summary = $writer->finish();
        fwrite(STDERR, sprintf(
            "\n200,000 offers: RSS grew %.1f MB, PHP's memory %.2f MB; %d bytes gzip\n",
            $rssGrowthMb,
            $phpGrowthMb,
            $summary['bytes'],
        ));
        self::assertSame(200_000, $summary['offers']);
        // Generous: the offer ids' hashes (8 bytes an offer) and allocator slack, never the feed itself.
        self::assertLessThan(32, $rssGrowthMb);
        self::assertLessThan(1, $phpGrowthMb);
    }

    private static function rssKb(): int
    {
        $status = (string) file_get_contents('/proc/self/status');
        self::assertSame(1, preg_match('/^VmRSS:\s+(\d+) kB/m', $status, $m));
        return (int) $m[1];
    }
}
