<?php
// The fake Bitrix core: what the module's tests and the demo run the module in. One file per area of the real core,
// each headed with the real files it imitates (paths under bitrix/modules/ of an installation), the classes in their
// real namespaces. Methods named fake*() exist only in the fakes: they stand for what the real core keeps in its
// database or gets from the web server.

defined('B_PROLOG_INCLUDED') || define('B_PROLOG_INCLUDED', true);
defined('LANGUAGE_ID') || define('LANGUAGE_ID', 'en');
defined('SITE_ID') || define('SITE_ID', 's1');

// A parent class before its children: result.php (Result, Error, CDBResult) first.
require_once __DIR__ . '/main/result.php';
require_once __DIR__ . '/main/db.php';
require_once __DIR__ . '/main/type.php';
require_once __DIR__ . '/main/ormquery.php';
require_once __DIR__ . '/main/event.php';
require_once __DIR__ . '/main/eventmanager.php';
require_once __DIR__ . '/main/modules.php';
require_once __DIR__ . '/main/application.php';
require_once __DIR__ . '/main/request.php';
require_once __DIR__ . '/main/options.php';
require_once __DIR__ . '/main/localization.php';
require_once __DIR__ . '/main/page.php';
require_once __DIR__ . '/main/tables.php';
require_once __DIR__ . '/main/eventlog.php';
require_once __DIR__ . '/main/admin.php';
require_once __DIR__ . '/main/tabengine.php';
require_once __DIR__ . '/main/user.php';
require_once __DIR__ . '/main/tools.php';
require_once __DIR__ . '/main/text.php';
require_once __DIR__ . '/main/file.php';
require_once __DIR__ . '/sale/fields.php';
require_once __DIR__ . '/sale/support.php';
require_once __DIR__ . '/sale/basketproperties.php';
require_once __DIR__ . '/sale/basketitem.php';
require_once __DIR__ . '/sale/basket.php';
require_once __DIR__ . '/sale/coupons.php';
require_once __DIR__ . '/sale/discount.php';
require_once __DIR__ . '/sale/internals.php';
require_once __DIR__ . '/sale/payment.php';
require_once __DIR__ . '/sale/propertyvalue.php';
require_once __DIR__ . '/sale/orderquery.php';
require_once __DIR__ . '/sale/orderfields.php';
require_once __DIR__ . '/sale/order.php';
require_once __DIR__ . '/sale/saleuser.php';
require_once __DIR__ . '/sale/orderajax.php';
require_once __DIR__ . '/sale/orderedit.php';
require_once __DIR__ . '/subscribe.php';
require_once __DIR__ . '/sender.php';
require_once __DIR__ . '/iblock.php';
require_once __DIR__ . '/iblock/store.php';
require_once __DIR__ . '/iblock/result.php';
require_once __DIR__ . '/iblock/elementquery.php';
require_once __DIR__ . '/iblock/element.php';
require_once __DIR__ . '/iblock/section.php';
require_once __DIR__ . '/catalog/tables.php';
require_once __DIR__ . '/currency.php';
require_once __DIR__ . '/catalog/sku.php';
require_once __DIR__ . '/catalog/price.php';
require_once __DIR__ . '/ordereditform.php';
require_once __DIR__ . '/onecexchange.php';
require_once __DIR__ . '/backoffice.php';
require_once __DIR__ . '/shop.php';
require_once __DIR__ . '/fakesite.php';
require_once __DIR__ . '/database.php';
require_once __DIR__ . '/catalogue.php';
require_once __DIR__ . '/history.php';
