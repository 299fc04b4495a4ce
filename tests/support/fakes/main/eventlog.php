<?php
// The event log (main/classes/general/event_log.php).

class CEventLog
{
    public const SEVERITY_SECURITY = 1;
    public const SEVERITY_ERROR = 2;
    public const SEVERITY_WARNING = 3;
    public const SEVERITY_INFO = 4;
    public const SEVERITY_DEBUG = 5;

    private static array $entries = [];

    public static function fakeReset(): void
    {
        self::$entries = [];
    }

    public static function fakeEntries(): array
    {
        return self::$entries;
    }

    /**
     * main/classes/general/event_log.php: SEVERITY must be one of the names (anything else is stored as UNKNOWN),
     * empty ids become UNKNOWN.
     */
    public static function Add($arFields)
    {
        if (!in_array($arFields['SEVERITY'] ?? null, ['SECURITY', 'ERROR', 'WARNING', 'INFO', 'DEBUG'], true)) {
            $arFields['SEVERITY'] = 'UNKNOWN';
        }
        // Read unguarded, as the core does: a missing SITE_ID is a warning.
        $arFields['SITE_ID'] = $arFields['SITE_ID'] ?: false;
        foreach (['AUDIT_TYPE_ID', 'MODULE_ID', 'ITEM_ID'] as $name) {
            if ((string)($arFields[$name] ?? '') === '') {
                $arFields[$name] = 'UNKNOWN';
            }
        }
        self::$entries[] = $arFields;
        return count(self::$entries);
    }

    /** The audit types the admin's filter lists: each OnEventLogGetAuditTypes handler, called without arguments. */
    public static function GetEventTypes()
    {
        $types = ['USER_AUTHORIZE' => '[USER_AUTHORIZE] Logged in'];
        foreach (GetModuleEvents('main', 'OnEventLogGetAuditTypes', true) as $arEvent) {
            $handlerTypes = ExecuteModuleEventEx($arEvent);
            if (is_array($handlerTypes)) {
                $types = array_merge($handlerTypes, $types);
            }
        }
        ksort($types);
        return $types;
    }

    public static function Log($SEVERITY, $AUDIT_TYPE_ID, $MODULE_ID, $ITEM_ID, $DESCRIPTION = false, $SITE_ID = false)
    {
        return self::Add(compact('SEVERITY', 'AUDIT_TYPE_ID', 'MODULE_ID', 'ITEM_ID', 'DESCRIPTION', 'SITE_ID'));
    }
}
