<?php
/**
 * The product feed from cron or a shell, in one process whatever the catalogue's size, e.g. every night:
 *
 *     php /var/www/site/bitrix/modules/rustbox.mindbox/tools/feed.php --site=s1
 *
 * (local/modules/… when the module is there). Like the core's own cron_events.php, it finds the core from its own
 * place, or from --document-root / $DOCUMENT_ROOT, and starts it with prolog_before.php, without statistics, rights
 * checks or agents. See Feed\FeedCommand::USAGE; exit status 0 made, 1 failed, 2 busy.
 */

use Bitrix\Main\Loader;
use Rustbox\Mindbox\Feed\FeedCommand;

if (PHP_SAPI !== 'cli') {
    exit;
}
require_once __DIR__ . '/../lib/feed/feedcommand.php';

try {
    // tools/ → the module → modules/ → bitrix/ or local/ → the document root.
    $rustboxFeedOptions = FeedCommand::options(array_slice($argv, 1), dirname(__DIR__, 3));
} catch (InvalidArgumentException $e) {
    fwrite(STDERR, $e->getMessage() . "\n" . FeedCommand::USAGE);
    exit(FeedCommand::FAILED);
}
if ($rustboxFeedOptions['help']) {
    echo FeedCommand::USAGE;
    exit(FeedCommand::OK);
}

$_SERVER['DOCUMENT_ROOT'] = $DOCUMENT_ROOT = $rustboxFeedOptions['documentRoot'];
define('NO_KEEP_STATISTIC', true);
define('NOT_CHECK_PERMISSIONS', true);
define('NO_AGENT_CHECK', true);
define('BX_NO_ACCELERATOR_RESET', true);
require $_SERVER['DOCUMENT_ROOT'] . FeedCommand::PROLOG;

@set_time_limit(0);
if (!Loader::includeModule('rustbox.mindbox')) {
    fwrite(STDERR, "The module rustbox.mindbox is not installed on this site\n");
    exit(FeedCommand::FAILED);
}
exit((new FeedCommand(STDOUT, STDERR))->run($rustboxFeedOptions['sites']));
