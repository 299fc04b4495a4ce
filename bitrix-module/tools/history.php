<?php
/**
 * The history's export from a shell or cron, in one process however long it takes (it sleeps while Mindbox's hourly
 * import limit holds it back, unless --no-wait), e.g.:
 *
 *     php /var/www/site/bitrix/modules/rustbox.mindbox/tools/history.php --site=s1 --dry-run
 *
 * (local/modules/… when the module is there). Like the core's own cron_events.php, it finds the core from its own
 * place, or from --document-root / $DOCUMENT_ROOT, and starts it with prolog_before.php, without statistics, rights
 * checks or agents. See History\HistoryCommand::USAGE; exit status 0 done, 1 failed, 2 busy, 3 waiting.
 */

use Bitrix\Main\Loader;
use Rustbox\Mindbox\History\HistoryCommand;

if (PHP_SAPI !== 'cli') {
    exit;
}
require_once __DIR__ . '/../lib/history/historycommand.php';

try {
    // tools/ → the module → modules/ → bitrix/ or local/ → the document root.
    $rustboxHistoryOptions = HistoryCommand::options(array_slice($argv, 1), dirname(__DIR__, 3));
} catch (InvalidArgumentException $e) {
    fwrite(STDERR, $e->getMessage() . "\n" . HistoryCommand::USAGE);
    exit(HistoryCommand::FAILED);
}
if ($rustboxHistoryOptions['help']) {
    echo HistoryCommand::USAGE;
    exit(HistoryCommand::OK);
}

$_SERVER['DOCUMENT_ROOT'] = $DOCUMENT_ROOT = $rustboxHistoryOptions['documentRoot'];
define('NO_KEEP_STATISTIC', true);
define('NOT_CHECK_PERMISSIONS', true);
define('NO_AGENT_CHECK', true);
define('BX_NO_ACCELERATOR_RESET', true);
require $_SERVER['DOCUMENT_ROOT'] . HistoryCommand::PROLOG;

@set_time_limit(0);
if (!Loader::includeModule('rustbox.mindbox')) {
    fwrite(STDERR, "The module rustbox.mindbox is not installed on this site\n");
    exit(HistoryCommand::FAILED);
}
exit((new HistoryCommand(STDOUT, STDERR))->run($rustboxHistoryOptions['site'], $rustboxHistoryOptions['start'], $rustboxHistoryOptions['wait']));
