<?php
/**
 * The history's export from a shell or cron, in one process however long it takes (it sleeps while Mindbox's hourly
 * import limit holds it back, unless --no-wait), e.g.:
 *
 *     php /var/www/site/bitrix/modules/rustbox.mindbox/tools/history.php --site=s1 --dry-run
 *
 * (local/modules/… when the module is there). It finds the core from its own place, or from --document-root /
 * $DOCUMENT_ROOT, and starts it with prolog.php. See History\HistoryCommand::USAGE; exit status 0 done, 1 failed,
 * 2 busy, 3 waiting.
 */

use Rustbox\Mindbox\History\HistoryCommand;

if (PHP_SAPI !== 'cli') {
    exit;
}
require_once __DIR__ . '/../lib/support/commandline.php';
require_once __DIR__ . '/../lib/history/historycommand.php';

try {
    $rustboxHistoryOptions = HistoryCommand::options(array_slice($argv, 1), dirname(__DIR__, 3));
} catch (InvalidArgumentException $e) {
    fwrite(STDERR, $e->getMessage() . "\n" . HistoryCommand::USAGE);
    exit(HistoryCommand::FAILED);
}
if ($rustboxHistoryOptions['help']) {
    echo HistoryCommand::USAGE;
    exit(HistoryCommand::OK);
}
$rustboxDocumentRoot = $rustboxHistoryOptions['documentRoot'];
require __DIR__ . '/prolog.php';
exit((new HistoryCommand(STDOUT, STDERR))->run($rustboxHistoryOptions['site'], $rustboxHistoryOptions['start'], $rustboxHistoryOptions['wait']));
