<?php
/**
 * Starts the site's core for one of the module's command-line scripts, in the script's (global) scope as the core's
 * prolog wants: $rustboxDocumentRoot is the site's document root (Support\CommandLine::documentRoot()). Like the
 * core's own cron_events.php: prolog_before.php without statistics, rights checks or agents, no time limit. Exits 1
 * when the module is not installed on the site.
 */

use Bitrix\Main\Loader;
use Rustbox\Mindbox\Support\CommandLine;

if (PHP_SAPI !== 'cli' || !isset($rustboxDocumentRoot)) {
    exit(1);
}
$_SERVER['DOCUMENT_ROOT'] = $DOCUMENT_ROOT = $rustboxDocumentRoot;
define('NO_KEEP_STATISTIC', true);
define('NOT_CHECK_PERMISSIONS', true);
define('NO_AGENT_CHECK', true);
define('BX_NO_ACCELERATOR_RESET', true);
require $_SERVER['DOCUMENT_ROOT'] . CommandLine::PROLOG;

@set_time_limit(0);
if (!Loader::includeModule('rustbox.mindbox')) {
    fwrite(STDERR, "The module rustbox.mindbox is not installed on this site\n");
    exit(1);
}
