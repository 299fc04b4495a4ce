<?php
// The fake Bitrix core: what the module's tests and the demo run the module in.

defined('B_PROLOG_INCLUDED') || define('B_PROLOG_INCLUDED', true);
defined('LANGUAGE_ID') || define('LANGUAGE_ID', 'en');
defined('SITE_ID') || define('SITE_ID', 's1');

require_once __DIR__ . '/main.php';
require_once __DIR__ . '/globals.php';
require_once __DIR__ . '/admin.php';
require_once __DIR__ . '/user.php';
require_once __DIR__ . '/sale.php';
require_once __DIR__ . '/subscribe.php';
require_once __DIR__ . '/sender.php';
require_once __DIR__ . '/iblock.php';
require_once __DIR__ . '/saleorderajax.php';
require_once __DIR__ . '/shop.php';
