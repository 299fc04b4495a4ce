<?php
// Copied to /bitrix/tools/rustbox.mindbox/ on install: the product feed for Mindbox at the address the module's feed
// page gives, behind a login and password when they are set (Rustbox\Mindbox\Feed\FeedEndpoint). A robot's download:
// no statistics, no session of its own, no agents run after it, no output compression of the core's.
define('NO_KEEP_STATISTIC', true);
define('NOT_CHECK_PERMISSIONS', true);
define('NO_AGENT_CHECK', true);
define('STOP_STATISTICS', true);
define('BX_SECURITY_SESSION_VIRTUAL', true);
define('BX_COMPRESSION_DISABLED', true);
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';

if (!\Bitrix\Main\Loader::includeModule('rustbox.mindbox')) {
    http_response_code(404);
    exit;
}
\Rustbox\Mindbox\Feed\FeedEndpoint::send(\Rustbox\Mindbox\Feed\FeedEndpoint::answer(
    $_GET,
    $_SERVER,
    \Bitrix\Main\Context::getCurrent()->getRequest()->isHttps()
));
exit;
