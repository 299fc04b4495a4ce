<?php

namespace Rustbox\Mindbox\Handlers;

use Bitrix\Main\Localization\Loc;
use Rustbox\Mindbox\Support\EventLog;

Loc::loadMessages(__FILE__);

/** main:OnEventLogGetAuditTypes (called without arguments): names the module's entries in the event log's filter. */
final class AuditTypes
{
    /**
     * The "[TYPE] " prefix is what the core's own types carry and the log's list strips.
     *
     * @return array<string, string>
     */
    public static function onEventLogGetAuditTypes(): array
    {
        return [EventLog::AUDIT_TYPE => '[' . EventLog::AUDIT_TYPE . '] ' . Loc::getMessage('RUSTBOX_MINDBOX_AUDIT_TYPE')];
    }
}
