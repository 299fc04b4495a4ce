<?php

namespace Rustbox\Mindbox\Support;

/**
 * Runs a handler's work so that nothing it throws reaches the shop: the reason goes to the event log instead. Files
 * older than the version installed do no work at all (ModuleVersion).
 */
final class Guard
{
    public static function run(string $source, callable $work): void
    {
        if (ModuleVersion::isDowngrade()) {
            return;
        }
        try {
            $work();
        } catch (\Throwable $e) {
            EventLog::failure($source, $e);
        }
    }
}
