<?php
/**
 * The product feed from cron or a shell, in one process whatever the catalogue's size, e.g. every night:
 *
 *     php /var/www/site/bitrix/modules/rustbox.mindbox/tools/feed.php --site=s1
 *
 * (local/modules/… when the module is there). It finds the core from its own place, or from --document-root /
 * $DOCUMENT_ROOT, and starts it with prolog.php. See Feed\FeedCommand::USAGE; exit status 0 made, 1 failed, 2 busy.
 */

use Rustbox\Mindbox\Feed\FeedCommand;

if (PHP_SAPI !== 'cli') {
    exit;
}
require_once __DIR__ . '/../lib/support/commandline.php';
require_once __DIR__ . '/../lib/feed/feedcommand.php';

try {
    $rustboxFeedOptions = FeedCommand::options(array_slice($argv, 1), dirname(__DIR__, 3));
} catch (InvalidArgumentException $e) {
    fwrite(STDERR, $e->getMessage() . "\n" . FeedCommand::USAGE);
    exit(FeedCommand::FAILED);
}
if ($rustboxFeedOptions['help']) {
    echo FeedCommand::USAGE;
    exit(FeedCommand::OK);
}
$rustboxDocumentRoot = $rustboxFeedOptions['documentRoot'];
require __DIR__ . '/prolog.php';
exit((new FeedCommand(STDOUT, STDERR))->run($rustboxFeedOptions['sites']));
