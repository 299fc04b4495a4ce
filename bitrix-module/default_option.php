<?php
// What Option::get() falls back to when a call passes "" as its default. The core includes this file by path, also
// before the module is loaded, hence the require rather than the autoloader.
require_once __DIR__ . '/lib/config/options.php';

$rustbox_mindbox_default_option = \Rustbox\Mindbox\Config\Options::defaults();
