<?php

use Bitrix\Main\Context;
use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
use Rustbox\Mindbox\Admin\OrderPage;

require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_before.php';

/** @var CMain $APPLICATION */
/** @var CUser $USER */
Loc::loadMessages(__FILE__);

if (!$USER->IsAdmin()) {
    $APPLICATION->AuthForm(Loc::getMessage('ACCESS_DENIED'));
}
Loader::includeModule('sale');
Loader::includeModule('rustbox.mindbox');

// The Mindbox tab's actions on an order's page ("send again", the choice of prices on an edit Mindbox recalculated):
// done, back to that page, whose tab shows where the order stands now; refused, a page saying why, with the way back.
$answer = OrderPage::act(Context::getCurrent()->getRequest());
if ($answer['status'] === 200) {
    LocalRedirect($answer['back']);
}
http_response_code($answer['status']);
$APPLICATION->SetTitle(Loc::getMessage('RUSTBOX_MINDBOX_ORDER_ACTION_TITLE'));
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_after.php';

CAdminMessage::ShowMessage($answer['message']);
if ($answer['back'] !== null) {
    echo '<a href="', htmlspecialcharsbx($answer['back']), '">', htmlspecialcharsbx(Loc::getMessage('RUSTBOX_MINDBOX_ORDER_ACTION_BACK')), '</a>';
}

require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/epilog_admin.php';
