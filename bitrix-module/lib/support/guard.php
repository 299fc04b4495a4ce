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
            // The module's files being replaced under a running hit (an update copied in place) can take EventLog's
            // file away too: PHP's own log then, never a fatal error in the shop's request.
            if (class_exists(EventLog::class)) {
                EventLog::failure($source, $e);
            } else {
                error_log(sprintf('rustbox.mindbox %s: %s: %s', $source, get_class($e), $e->getMessage()));
            }
        }
    }
}
