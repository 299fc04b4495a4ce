<?php

namespace Rustbox\Mindbox\Feed;

use Bitrix\Main\SiteTable;
use Rustbox\Mindbox\Support\CommandLine;

/**
 * The command line of tools/feed.php: makes the feed of each site asked for (else of every site with `feed_enabled`)
 * in this process, with FeedJob::run() and the extension's progress bar on stderr; what was made on stdout, what failed
 * on stderr. options() reads the arguments before the core is loaded (it needs none of it), run() after.
 */
final class FeedCommand
{
    public const OK = 0;
    public const FAILED = 1;
    public const BUSY = 2;

    public const USAGE = <<<'TXT'
        Usage: php bitrix/modules/rustbox.mindbox/tools/feed.php [--site=ID]... [--document-root=PATH]
        Makes the Mindbox product feed of each --site (default: every site with the feed switched on) in this process.
          --site=ID              a site's id; may be given more than once
          --document-root=PATH   the site's document root (default: $DOCUMENT_ROOT, else the one the module is in)
        Exit status: 0 made, 1 failed (stderr says what), 2 busy (another run holds the feed).

        TXT;

    /**
     * @param resource $out
     * @param resource $err
     */
    public function __construct(private $out, private $err)
    {
    }

    /**
     * @param list<string> $args the arguments after the script's name
     * @param string $defaultRoot the document root when neither --document-root nor $DOCUMENT_ROOT gives one
     * @return array{documentRoot: string, sites: list<string>, help: bool}
     * @throws \InvalidArgumentException naming the argument, or the document root without a Bitrix core
     */
    public static function options(array $args, string $defaultRoot): array
    {
        $root = null;
        $sites = [];
        $help = false;
        foreach ($args as $arg) {
            if ($arg === '--help' || $arg === '-h') {
                $help = true;
            } elseif (preg_match('/^--site=(.*)$/s', $arg, $match)) {
                if (!preg_match('/^[A-Za-z0-9_]{1,10}$/', $match[1])) {
                    throw new \InvalidArgumentException(sprintf('--site: "%s" is not a site id', $match[1]));
                }
                $sites[] = $match[1];
            } elseif (preg_match('/^--document-root=(.+)$/s', $arg, $match)) {
                $root = $match[1];
            } else {
                throw new \InvalidArgumentException(sprintf('Unknown argument "%s"', $arg));
            }
        }
        $root = $help ? '' : CommandLine::documentRoot($root, $defaultRoot);
        return ['documentRoot' => $root, 'sites' => array_values(array_unique($sites)), 'help' => $help];
    }

    /**
     * @param list<string> $sites the sites asked for; none: every site with feed_enabled
     * @return int the exit status: FAILED if a feed failed, else BUSY if one was held elsewhere, else OK
     */
    public function run(array $sites): int
    {
        if ($sites === []) {
            $sites = Schedule::enabledSites();
            if ($sites === []) {
                fwrite($this->out, "No site has the product feed switched on (feed_enabled): nothing to make\n");
                return self::OK;
            }
        }
        $known = array_map('strval', array_column(SiteTable::getList(['select' => ['LID']])->fetchAll(), 'LID'));
        $outcomes = [];
        foreach ($sites as $siteId) {
            if (!in_array($siteId, $known, true)) {
                $outcomes[] = $this->failed($siteId, 'failed', sprintf('there is no site "%s"', $siteId), self::FAILED);
                continue;
            }
            $outcomes[] = $this->make($siteId);
        }
        return in_array(self::FAILED, $outcomes, true) ? self::FAILED : (in_array(self::BUSY, $outcomes, true) ? self::BUSY : self::OK);
    }

    private function make(string $siteId): int
    {
        $progress = new CommandProgress($siteId);
        try {
            $summary = FeedJob::forSite($siteId)->run($progress);
        } catch (FeedBusyException $e) {
            $progress->finish('busy');
            return $this->failed($siteId, 'busy', $e->getMessage(), self::BUSY);
        } catch (\Throwable $e) {
            $progress->finish('failed');
            $known = $e instanceof FeedException || $e instanceof \InvalidArgumentException || $e instanceof \MindboxException;
            return $this->failed($siteId, 'failed', ($known ? '' : get_class($e) . ': ') . $e->getMessage(), self::FAILED);
        }
        $progress->finish('done');
        if (!($summary['ok'] ?? false)) {
            return $this->failed($siteId, 'failed', implode('; ', $summary['errors'] ?? []), self::FAILED);
        }
        $this->report($siteId, $summary);
        return self::OK;
    }

    private function failed(string $siteId, string $what, string $message, int $status): int
    {
        fwrite($this->err, sprintf("Feed %s %s: %s\n", $siteId, $what, $message));
        return $status;
    }

    /** What was made, and the address to paste into Mindbox. */
    private function report(string $siteId, array $summary): void
    {
        $lines = [sprintf('Feed %s: %s offers, %s bytes in %.1f s: %s', $siteId, number_format($summary['offers']),
            number_format($summary['bytes']), $summary['seconds'], $summary['url'])];
        if ($summary['skipped'] !== []) {
            $lines[] = '  skipped: ' . implode(', ', array_map(static fn ($reason, $count) => "$reason $count",
                array_keys($summary['skipped']), $summary['skipped']));
        }
        if ($summary['descriptionsCut'] > 0) {
            $lines[] = '  descriptions cut to 10,000 characters: ' . number_format($summary['descriptionsCut']);
        }
        foreach ($summary['regions'] as $zone => $region) {
            $lines[] = sprintf('  zone %s: %s offers, %s bytes: %s', $zone, number_format($region['offers']), number_format($region['bytes']), $region['url']);
        }
        fwrite($this->out, implode("\n", $lines) . "\n");
    }
}
