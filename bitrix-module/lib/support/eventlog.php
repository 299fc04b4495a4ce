<?php

namespace Rustbox\Mindbox\Support;

use Rustbox\Mindbox\Config\Options;

/**
 * Writes to the Bitrix event log (Settings → Tools → Event log). Only exception classes and messages are written:
 * bodies hold customers' personal data and the extension's messages never hold the secret key.
 */
final class EventLog
{
    /** The type of the module's entries, which Handlers\AuditTypes names in the log's filter. */
    public const AUDIT_TYPE = 'RUSTBOX_MINDBOX';

    public static function failure(string $source, \Throwable $e): void
    {
        self::add('ERROR', $source, get_class($e) . ': ' . $e->getMessage());
    }

    public static function error(string $source, string $message): void
    {
        self::add('ERROR', $source, $message);
    }

    public static function warning(string $source, string $message): void
    {
        self::add('WARNING', $source, $message);
    }

    public static function info(string $source, string $message): void
    {
        self::add('INFO', $source, $message);
    }

    private static function add(string $severity, string $source, string $description): void
    {
        try {
            \CEventLog::Add([
                'SEVERITY' => $severity,
                'AUDIT_TYPE_ID' => self::AUDIT_TYPE,
                'MODULE_ID' => Options::MODULE_ID,
                'ITEM_ID' => $source,
                'DESCRIPTION' => $description,
                // The core reads SITE_ID unguarded (a warning on PHP 8 without it); false means "the current one".
                'SITE_ID' => false,
            ]);
        } catch (\Throwable $e) {
            // The event log is the last resort; if even it fails, PHP's own log must do.
            error_log(sprintf('%s %s: %s (event log failed: %s)', Options::MODULE_ID, $source, $description, $e->getMessage()));
        }
    }
}
