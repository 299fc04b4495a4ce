<?php
// Cron of UpgradeReleaseTest's site, as bitrix/modules/main/tools/cron_events.php runs the agents: included by the fake
// site's prolog (FakeSite's spec `include`) on the command line, it runs the module's flush agent by the call b_agent
// holds for it. Prints how many such agents ran and the outbox's counters as JSON.

declare(strict_types=1);

namespace MindboxTests\Bitrix\Release;

use Bitrix\Main\Loader;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Outbox\Agent;

define('BX_CRONTAB', true);

$ran = 0;
foreach (\CAgent::fakeRows() as $agent) {
    // CAgent::CheckAgents() includes an agent's module before it evaluates the agent's call.
    if ($agent['MODULE_ID'] === 'rustbox.mindbox' && Loader::includeModule($agent['MODULE_ID']) && $agent['NAME'] === Agent::CALL) {
        eval('return ' . $agent['NAME']);
        $ran++;
    }
}
echo json_encode(['ran' => $ran, 'outbox' => Mindbox::client('s1')->outboxStats()], JSON_THROW_ON_ERROR), "\n";
