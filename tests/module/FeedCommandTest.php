<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use MindboxTests\Bitrix\Fakes\FakeCatalogue;
use MindboxTests\Bitrix\Fakes\FakeSite;
use MindboxTests\Support\Binaries;
use MindboxTests\Support\ProcessGroup;

/**
 * tools/feed.php as cron runs it: a PHP process of its own that starts the site's core (here the fake one, set up
 * through FakeSite) and makes the feeds; the progress on stderr, what was made on stdout, the exit status.
 */
final class FeedCommandTest extends FeedTestCase
{
    private const SITE = ['servers' => ['s1' => 'shop.example'], 'catalogue' => [30, 3], 'options' => ['s1' => self::SETUP]];

    protected function setUp(): void
    {
        parent::setUp();
        FakeSite::create($this->shop->documentRoot);
    }

    public function testItMakesTheFeedShowingItsProgressOnStderrAndTheAddressOnStdout(): void
    {
        $offers = count(self::sellableElements(FakeCatalogue::install(30, 3)));

        [$status, $out, $err] = $this->command(['--site=s1'], self::SITE);

        $this->assertSame(0, $status, $err);
        $this->assertMatchesRegularExpression(
            "~^Feed s1: $offers offers, [\\d,]+ bytes in \\d+\\.\\d s: https://shop\\.example(/upload/rustbox\\.mindbox/[0-9a-f]{32}/catalog\\.yml)\n~",
            $out
        );
        preg_match('~https://shop\.example(\S+)~', $out, $url);
        $document = new \DOMDocument();
        $this->assertTrue($document->load($this->shop->documentRoot . $url[1]), 'the feed is where the address says');
        $this->assertSame($offers, $document->getElementsByTagName('offer')->length);
        $lines = explode("\n", trim($err));
        $this->assertMatchesRegularExpression('~^Feed s1, reading the catalogue: (\d+)/\1 in \d+\.\d s, [\d,]+/s$~m', $err, 'every element read');
        $this->assertMatchesRegularExpression("~^Feed s1, writing the feed: $offers/$offers in \\d+\\.\\d s, [\\d,]+/s\\. done$~", end($lines));
        $this->assertNotEmpty(preg_grep('~^Feed s1, reading the catalogue: [\d,]+/[\d,]+ \(\d+%\), [\d,]+/s~', $lines), 'lines on the way');
    }

    public function testWithoutASiteItMakesTheFeedOfEverySiteWithTheFeedSwitchedOn(): void
    {
        $site = [
            'sites' => ['s1' => 'Shop', 's2' => 'Outlet', 's3' => 'Kids'],
            'servers' => ['s1' => 'shop.example', 's2' => 'outlet.example', 's3' => 'kids.example'],
            'catalogue' => [10, 3],
            'options' => ['-' => ['feed_enabled' => 'Y'] + self::SETUP, 's2' => ['feed_enabled' => 'N']],
        ];
        [$status, $out, $err] = $this->command([], $site, env: ['DOCUMENT_ROOT' => $this->shop->documentRoot]);

        $this->assertSame(0, $status, $err);
        $this->assertSame(['s1', 's3'], array_values(array_map(static fn (string $line) => substr($line, 5, 2), preg_grep('/^Feed /', explode("\n", $out)))));

        $site['options']['-']['feed_enabled'] = 'N';
        [$status, $out] = $this->command([], $site);
        $this->assertSame(0, $status);
        $this->assertSame("No site has the product feed switched on (feed_enabled): nothing to make\n", $out);
    }

    public function testAFeedAnotherProcessHoldsExitsTwo(): void
    {
        [$status, $out, $err] = $this->command(['--site=s1'], self::SITE + ['heldElsewhere' => ['rustbox.mindbox.feed.s1']]);

        $this->assertSame(2, $status);
        $this->assertSame('', $out);
        $this->assertSame('Feed s1 busy: A step of the feed run of site "s1" runs in another process', $this->lastLine($err));
    }

    public function testAFeedThatCannotBeMadeExitsOneSayingWhatIsWrong(): void
    {
        $site = self::SITE;
        $site['options']['s1']['feed_iblock_id'] = '';
        [$status, $out, $err] = $this->command(['--site=s1'], $site);
        $this->assertSame(1, $status);
        $this->assertSame('', $out);
        $this->assertStringStartsWith('Feed s1 failed: feed_iblock_id of site "s1" must name the catalogue', $this->lastLine($err));

        [$status, , $err] = $this->command(['--site=s1', '--site=zz'], self::SITE + ['heldElsewhere' => ['rustbox.mindbox.feed.s1']]);
        $this->assertSame(1, $status, 'a failure outweighs a busy site');
        $this->assertStringContainsString('Feed s1 busy:', $err);
        $this->assertSame('Feed zz failed: there is no site "zz"', $this->lastLine($err));

        [$status, , $err] = $this->command(['--site=s1'], self::SITE, extension: false);
        $this->assertSame(1, $status);
        $this->assertSame('Feed s1 failed: The mindbox PHP extension is not loaded: it writes the feed', $this->lastLine($err));
    }

    public function testBadArgumentsOrNoCoreExitOneWithTheUsage(): void
    {
        [$status, , $err] = $this->command(['--site'], self::SITE);
        $this->assertSame(1, $status);
        $this->assertStringStartsWith("Unknown argument \"--site\"\nUsage: php bitrix/modules/rustbox.mindbox/tools/feed.php", $err);

        $empty = sys_get_temp_dir() . '/rustbox-no-site-' . getmypid();
        [$status, , $err] = $this->command(['--document-root=' . $empty], self::SITE, root: false);
        $this->assertSame(1, $status);
        $this->assertStringStartsWith("No Bitrix site at $empty (no /bitrix/modules/main/include/prolog_before.php there)", $err);
    }

    /**
     * Runs tools/feed.php from the shop's document root (where the module is, under local/modules).
     *
     * @return array{0: int, 1: string, 2: string} the exit status, stdout and stderr
     */
    private function command(array $args, array $site, bool $extension = true, bool $root = true, array $env = []): array
    {
        $documentRoot = $this->shop->documentRoot;
        $files = [$documentRoot . '/cli.out', $documentRoot . '/cli.err'];
        $command = [PHP_BINARY, ...($extension ? ['-d', 'extension=' . Binaries::extension()] : []),
            $documentRoot . '/local/modules/rustbox.mindbox/tools/feed.php', ...$args,
            ...($root && $env === [] ? ['--document-root=' . $documentRoot] : [])];
        $process = ProcessGroup::start($command, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $files[0], 'w'], 2 => ['file', $files[1], 'w']],
            $env + FakeSite::environment($site) + array_diff_key(getenv(), ['DOCUMENT_ROOT' => true]));
        try {
            $status = $process->wait(60);
            $this->assertNotNull($status, 'the command ended');
        } finally {
            $process->stop();
        }
        return [$status, (string)file_get_contents($files[0]), (string)file_get_contents($files[1])];
    }

    private function lastLine(string $text): string
    {
        $lines = explode("\n", trim($text));
        return end($lines);
    }
}
