<?php

namespace Rustbox\Mindbox\Setup;

use Rustbox\Mindbox\Handlers\AuditTypes;
use Rustbox\Mindbox\Handlers\CartRuleAction;
use Rustbox\Mindbox\Handlers\PageView;
use Rustbox\Mindbox\Handlers\Tracker;
use Rustbox\Mindbox\Outbox\Agent;

/**
 * Classes that moved to their folders (issue 17) under names that outlive the move: an install made before keeps them
 * in the core's database (event handlers in b_module_to_module, the agent's call in b_agent), and shop templates call
 * PageView::product() by its old name. include.php makes a former name an alias of its class when something asks for
 * it; the installer registers the current names and takes the former ones away.
 */
final class Renamed
{
    /** former name => the class now */
    public const CLASSES = [
        'Rustbox\Mindbox\Agent' => Agent::class,
        // Registered for main:OnEventLogGetAuditTypes; writing to the log is Support\EventLog's now.
        'Rustbox\Mindbox\EventLog' => AuditTypes::class,
        'Rustbox\Mindbox\Loyalty\CartRuleAction' => CartRuleAction::class,
        'Rustbox\Mindbox\PageView' => PageView::class,
        'Rustbox\Mindbox\Tracker' => Tracker::class,
    ];

    /** An autoloader: a former name becomes an alias the first time it is asked for, and costs nothing before. */
    public static function alias(string $class): void
    {
        foreach (self::CLASSES as $former => $current) {
            if (strcasecmp($former, ltrim($class, '\\')) === 0) {
                class_alias($current, $class);
                return;
            }
        }
    }

    public static function formerName(string $class): ?string
    {
        $former = array_search($class, self::CLASSES, true);
        return $former === false ? null : $former;
    }
}
