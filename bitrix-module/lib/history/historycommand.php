<?php

namespace Rustbox\Mindbox\History;

use Bitrix\Main\SiteTable;
use Rustbox\Mindbox\Support\CommandLine;

/**
 * The command line of tools/history.php: exports a site's history in this process with HistoryJob::run() (carrying on
 * the run in progress, if any), the progress on stderr, what was done on stdout. options() reads the arguments before
 * the core is loaded (it needs none of it), run() after.
 */
final class HistoryCommand
{
    public const OK = 0;
    public const FAILED = 1;
    public const BUSY = 2;
    /** --no-wait, and Mindbox defers the imports: the run is in progress, to be carried on later. */
    public const WAITING = 3;

    public const USAGE = <<<'TXT'
        Usage: php bitrix/modules/rustbox.mindbox/tools/history.php [--site=ID] [--scope=both|customers|orders]
               [--since=YYYY-MM-DD] [--dry-run] [--no-wait] [--document-root=PATH]
        Exports the site's customers and orders from before the module to Mindbox by bulk import, in this process;
        carries on the site's run in progress, if there is one, resuming it if it was paused or stopped on an error
        (then give no --scope, --since or --dry-run).
          --site=ID              the site (default: the only one there is)
          --scope=WHAT           both (default), customers or orders
          --since=YYYY-MM-DD     only customers registered and orders placed since that day
          --dry-run              write the parts and keep them, send nothing
          --no-wait              stop instead of sleeping while Mindbox's hourly import limit holds the run back
          --document-root=PATH   the site's document root (default: $DOCUMENT_ROOT, else the one the module is in)
        Exit status: 0 done, 1 failed (stderr says what), 2 busy (another process runs it), 3 waiting (--no-wait).

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
     * @return array{documentRoot: string, site: ?string, start: array, wait: bool, help: bool}
     * @throws \InvalidArgumentException naming the argument, or the document root without a Bitrix core (the values of
     *     --scope and --since are the job's to judge)
     */
    public static function options(array $args, string $defaultRoot): array
    {
        $options = ['documentRoot' => null, 'site' => null, 'start' => [], 'wait' => true, 'help' => false];
        foreach ($args as $arg) {
            [$name, $value] = array_pad(explode('=', $arg, 2), 2, null);
            match (true) {
                $arg === '--help' || $arg === '-h' => $options['help'] = true,
                $arg === '--dry-run' => $options['start']['dryRun'] = true,
                $arg === '--no-wait' => $options['wait'] = false,
                $name === '--site' && preg_match('/^[A-Za-z0-9_]{1,10}$/', (string)$value) === 1 => $options['site'] = $value,
                $name === '--scope' && (string)$value !== '' => $options['start']['scope'] = $value,
                $name === '--since' && (string)$value !== '' => $options['start']['since'] = $value,
                $name === '--document-root' && (string)$value !== '' => $options['documentRoot'] = $value,
                default => throw new \InvalidArgumentException(in_array($name, ['--site', '--scope', '--since', '--document-root'], true)
                    ? sprintf('%s: "%s" is not a value it takes', $name, (string)$value) : sprintf('Unknown argument "%s"', $arg)),
            };
        }
        $options['documentRoot'] = $options['help'] ? '' : CommandLine::documentRoot($options['documentRoot'], $defaultRoot);
        return $options;
    }

    /**
     * @param string|null $siteId null: the only site there is
     * @param array $start HistoryJob::start()'s options, for a new run
     * @return int the exit status
     */
    public function run(?string $siteId, array $start, bool $wait): int
    {
        $sites = array_map('strval', array_column(SiteTable::getList(['select' => ['LID']])->fetchAll(), 'LID'));
        if ($siteId === null && count($sites) !== 1) {
            return $this->failed('?', sprintf('give --site, one of %s', implode(', ', $sites)), self::FAILED);
        }
        $siteId ??= $sites[0];
        if (!in_array($siteId, $sites, true)) {
            return $this->failed($siteId, sprintf('there is no site "%s"', $siteId), self::FAILED);
        }
        $job = HistoryJob::forSite($siteId);
        $progress = new CommandProgress($siteId, $this->err);
        $before = $job->status();
        if ($before['running']) {
            if ($start !== []) {
                return $this->failed($siteId, sprintf('a run started at %s is in progress (%s): carry it on without --scope, --since and --dry-run, '
                    . 'or cancel it on the admin page', date('Y-m-d H:i:s', $before['started']), $before['state']), self::FAILED);
            }
            $progress->continuing($before);
        }
        try {
            $status = $job->run($progress, $wait, $start);
        } catch (HistoryBusyException $e) {
            $progress->finish('busy');
            return $this->failed($siteId, $e->getMessage(), self::BUSY);
        } catch (\Throwable $e) {
            $progress->finish('failed');
            $known = $e instanceof HistoryException || $e instanceof \InvalidArgumentException || $e instanceof \UnexpectedValueException || $e instanceof \MindboxException;
            return $this->failed($siteId, ($known ? '' : get_class($e) . ': ') . $e->getMessage(), self::FAILED);
        }
        $progress->finish($status['running'] ? (string)$status['state'] : 'done');
        if ($status['running']) {
            return $status['state'] === 'waiting'
                ? $this->say(sprintf('History %s: Mindbox defers the imports until %s; run this again then to carry the run on',
                    $siteId, date('Y-m-d H:i:s', $status['retryAt'])), self::WAITING)
                : $this->failed($siteId, (string)$status['error'], self::FAILED);
        }
        $last = $status['lastRun'];
        return $last['ok'] ? $this->say($this->summary($siteId, $last), self::OK) : $this->failed($siteId, implode('; ', $last['errors']), self::FAILED);
    }

    private function failed(string $siteId, string $message, int $status): int
    {
        fwrite($this->err, sprintf("History %s failed: %s\n", $siteId, $message));
        return $status;
    }

    private function say(string $text, int $status): int
    {
        fwrite($this->out, $text . "\n");
        return $status;
    }

    /** What was exported, and for a dry run where its parts are. */
    private function summary(string $siteId, array $last): string
    {
        $what = [];
        foreach ($last['scope'] as $entity) {
            $parts = array_filter($last['parts'], static fn (array $part) => $part['entity'] === $entity);
            $what[] = sprintf('%s %s from %s read in %d part%s', number_format($last['rows'][$entity]),
                $entity === JobState::ORDERS ? 'order lines' : 'customers', number_format($last['read'][$entity]), count($parts), count($parts) === 1 ? '' : 's');
        }
        $line = sprintf('History %s: %s, %s in %.1f s', $siteId, implode(', ', $what), $last['dryRun'] ? 'written (dry run: nothing sent)' : 'sent', $last['seconds']);
        if ($last['dryRun'] && $last['parts'] !== []) {
            $line .= sprintf("\n  in %s: %s", $last['directory'], implode(', ', array_column($last['parts'], 'file')));
        }
        return $line;
    }
}
