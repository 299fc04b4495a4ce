<?php

declare(strict_types=1);

use MindboxTests\Bitrix\Fakes\FakeShop;
use MindboxTests\Support\PhpServer;
use Rustbox\Mindbox\Feed\FeedJob;

/**
 * The demo shop's product feed: made by the module from the demo's catalogue, kept where the demo ends, fetched by the
 * emulator as Mindbox fetches a feed, and checked against what the shop sent: every product and category of the
 * journey's views, carts and orders must be in it, under the same id.
 */
final class DemoFeed
{
    /** Where the feed stays after the demo (the shop's own folders go with the fake shop). */
    public const KEPT = __DIR__ . '/../target/demo';

    /** Makes the feed; the summary of FeedJob::run(), and the path it was kept at. */
    public static function make(FakeShop $shop): array
    {
        \Bitrix\Main\SiteTable::fakeSet('s1', ['SERVER_NAME' => 'shop.example']);
        $shop->configure(['feed_enabled' => 'Y', 'feed_iblock_id' => (string)DemoCatalogue::IBLOCK]);
        $job = FeedJob::forSite('s1');
        $summary = $job->run();
        if (!$summary['ok']) {
            throw new RuntimeException('the feed was not made: ' . implode('; ', $summary['errors']));
        }
        if (!is_dir(self::KEPT)) {
            mkdir(self::KEPT, 0755, true);
        }
        $kept = realpath(self::KEPT) . '/' . basename($job->path());
        copy($job->path(), $kept);
        return $summary + ['kept' => $kept, 'file' => $job->path()];
    }

    /**
     * What the emulator, fetching the feed as Mindbox does, makes of it, asked about the product ids the shop sent.
     *
     * @param list<string> $productIds
     */
    public static function verdict(string $emulatorUrl, string $file, array $productIds): array
    {
        // The shop's web server for the file, as the tests serve feeds to the emulator.
        $server = PhpServer::start(dirname(__DIR__) . '/tests/support/emulator/feed-file.php',
            ['FEED_FILE' => $file, 'FEED_GZIP' => str_ends_with($file, '.gz') ? 'type' : '']);
        try {
            $context = stream_context_create(['http' => [
                'method' => 'POST', 'timeout' => 30, 'ignore_errors' => true, 'header' => "Content-Type: application/json\r\n",
                'content' => json_encode(['url' => $server->baseUrl . '/catalog.yml', 'ids' => $productIds]),
            ]]);
            $verdict = json_decode((string)file_get_contents($emulatorUrl . '/__emulator/feed', false, $context), true);
        } finally {
            $server->stop();
        }
        if (!is_array($verdict)) {
            throw new RuntimeException('the emulator gave no verdict on the feed');
        }
        return $verdict;
    }

    /**
     * The product and category ids in the bodies the shop sent (views, carts, orders), by the ids' names.
     *
     * @param list<array> $journal the emulator's journal entries
     * @return array{products: list<string>, categories: list<string>}
     */
    public static function idsSent(array $journal): array
    {
        $found = ['products' => [], 'categories' => []];
        $walk = static function (mixed $node) use (&$walk, &$found): void {
            if (!is_array($node)) {
                return;
            }
            foreach (['product' => 'products', 'productCategory' => 'categories'] as $key => $kind) {
                foreach ((array)($node[$key]['ids'] ?? []) as $id) {
                    $found[$kind][] = (string)$id;
                }
            }
            array_walk($node, $walk);
        };
        foreach ($journal as $entry) {
            $walk($entry['body'] ?? null);
        }
        return array_map(static fn (array $ids) => array_values(array_unique($ids)), $found);
    }

    /** @return list<string> the categories' ids in the feed */
    public static function categories(string $file): array
    {
        $reader = XMLReader::open(str_ends_with($file, '.gz') ? 'compress.zlib://' . $file : $file);
        $ids = [];
        while ($reader->read()) {
            if ($reader->nodeType === XMLReader::ELEMENT && $reader->name === 'category') {
                $ids[] = (string)$reader->getAttribute('id');
            }
        }
        $reader->close();
        return $ids;
    }
}
