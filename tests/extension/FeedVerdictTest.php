<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxFeedWriter;
use MindboxTests\Support\Emulator;
use MindboxTests\Support\PhpServer;
use PHPUnit\Framework\TestCase;
use RuntimeException;

require_once dirname(__DIR__) . '/support/process/PhpServer.php';

/**
 * The writer's feed as Mindbox reads it: served by a web server on loopback, fetched and judged by the emulator
 * (which reads YML with its own parser and Mindbox's rules, sharing no code with the writer).
 */
final class FeedVerdictTest extends TestCase
{
    private const ROUTER = __DIR__ . '/../support/emulator/feed-file.php';

    private string $dir;
    private ?Emulator $emulator = null;
    private ?PhpServer $server = null;

    protected function setUp(): void
    {
        $this->dir = sys_get_temp_dir() . '/mindbox-verdict-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->dir, 0700);
        $this->emulator = Emulator::start();
    }

    protected function tearDown(): void
    {
        $this->server?->stop();
        $this->emulator?->stop();
        array_map('unlink', glob("$this->dir/*") ?: []);
        rmdir($this->dir);
    }

    /** Writes a gzip feed of awkward offers; the writer's summary. */
    private function write(string $path): array
    {
        $writer = new MindboxFeedWriter($path, ['gzip' => true]);
        $writer->shop(['name' => 'Shop', 'company' => 'Shop & Co', 'url' => 'https://shop.example']);
        $writer->currencies([['id' => 'RUB', 'rate' => 1]]);
        $writer->categories([['id' => 1, 'name' => 'Платья & <юбки>'], ['id' => 2, 'parentId' => 1, 'name' => 'Вечерние']]);
        $writer->offers([
            ['id' => 'p-1', 'price' => 100, 'currencyId' => 'RUB', 'categoryId' => [1, 2], 'name' => "A \"b\" & 'c'\x01"],
            ['id' => 'sku-1', 'group_id' => 'p-1', 'price' => 99.99, 'currencyId' => 'RUB', 'categoryId' => 2,
                'description' => str_repeat('я👗', 6000), 'available' => false],
            ['id' => 'sku-2', 'group_id' => 'p-1', 'price' => 0, 'currencyId' => 'RUB', 'categoryId' => 2],
            ['id' => str_repeat('x', 201), 'price' => 1, 'currencyId' => 'RUB', 'categoryId' => 1],
        ]);
        return $writer->finish();
    }

    /** @param array<string, string> $env */
    private function serve(string $file, array $env): string
    {
        $this->server = PhpServer::start(self::ROUTER, ['FEED_FILE' => $file] + $env);
        return $this->server->baseUrl . '/catalog.yml.gz';
    }

    /** @return array<string, array{string}> the ways a gzip feed is served, by the header that says so */
    public static function gzipWays(): array
    {
        return ['Content-Type' => ['type'], 'Content-Encoding' => ['encoding']];
    }

    /** @dataProvider gzipWays */
    public function testMindboxWouldImportEveryOfferTheWriterKept(string $way): void
    {
        $summary = $this->write("$this->dir/catalog.yml.gz");
        self::assertSame(['offers' => 3, 'skipped' => ['idTooLong' => 1], 'descriptionsCut' => 1],
            array_intersect_key($summary, ['offers' => 0, 'skipped' => 0, 'descriptionsCut' => 0]));

        $longId = str_repeat('x', 201);
        $verdict = $this->emulator->feedVerdict($this->serve($summary['path'], ['FEED_GZIP' => $way]), ids: ['p-1', 'sku-2', $longId]);

        self::assertSame([], $verdict['issues']);
        self::assertSame(0, $verdict['rejectedCount'], json_encode($verdict['rejected'], JSON_UNESCAPED_UNICODE));
        self::assertTrue($verdict['gzip']);
        self::assertSame([3, 2, 1, 1], [$verdict['offers'], $verdict['categories'], $verdict['currencies'], $verdict['groups']]);
        self::assertSame([$longId], $verdict['missingIds'], 'the offer the writer skipped is the one not in the feed');
    }

    public function testTheFeedsPasswordIsCheckedAsMindboxSendsIt(): void
    {
        $summary = $this->write("$this->dir/catalog.yml.gz");
        $url = $this->serve($summary['path'], ['FEED_GZIP' => 'type', 'FEED_LOGIN' => 'mindbox', 'FEED_PASSWORD' => 'p@ss:w']);

        $right = $this->emulator->feedVerdict($url, 'mindbox', 'p@ss:w');
        self::assertSame([[], 3], [$right['issues'], $right['offers']]);
        $wrong = $this->emulator->feedVerdict($url, 'mindbox', 'guess');
        self::assertSame([401, 0], [$wrong['status'], $wrong['offers']]);
        self::assertStringContainsString('access denied', implode(' ', $wrong['issues']));
    }

    public function testOnlyLoopbackUrlsAreFetched(): void
    {
        $this->expectException(RuntimeException::class);
        $this->expectExceptionMessageMatches('/answered HTTP 400.*not a loopback address/');
        $this->emulator->feedVerdict('http://192.0.2.1/catalog.yml');
    }
}
