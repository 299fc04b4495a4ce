<?php
// lib/ is autoloaded by the core (Rustbox\Mindbox -> lib/, lower-case file names).
defined('B_PROLOG_INCLUDED') || die();

// An install made before the classes moved to their folders keeps their old names in the core's database: its event
// handlers and its agent's call. Each old name becomes an alias of its class (class_alias, in Setup\Renamed::alias),
// so that install keeps working until the next version's update step re-registers the handlers under the new names
// (Setup\Upgrade); installing already does. Shop templates calling \Rustbox\Mindbox\PageView::product() keep working too.
spl_autoload_register([\Rustbox\Mindbox\Setup\Renamed::class, 'alias']);

// New files over an installed module: its upgrade step, once (Setup\Upgrade). It never stops the hit.
try {
    \Rustbox\Mindbox\Setup\Upgrade::check();
} catch (\Throwable $e) {
    \Rustbox\Mindbox\Support\EventLog::failure('upgrade', $e);
}
