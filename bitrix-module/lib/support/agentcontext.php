<?php

namespace Rustbox\Mindbox\Support;

use Bitrix\Main\Context;

/**
 * Where an agent runs. The core runs agents at the end of visitors' hits unless they are moved to cron: then
 * bitrix/modules/main/tools/cron_events.php defines BX_CRONTAB and runs the agents of IS_PERIOD = N
 * (main/classes/mysql/agent.php, CAgent::CheckAgents(): with the option agents_use_crontab or BX_CRONTAB_SUPPORT, a
 * hit runs only IS_PERIOD = Y agents). A script of the shop's own that runs agents on the command line is no hit either.
 */
final class AgentContext
{
    /** A visitor's hit, not cron: a web request, or on the command line one with a client address. */
    public static function isVisitorHit(): bool
    {
        if (defined('BX_CRONTAB') && BX_CRONTAB === true) {
            return false;
        }
        return PHP_SAPI !== 'cli' || (string)Context::getCurrent()?->getRequest()?->getRemoteAddress() !== '';
    }
}
