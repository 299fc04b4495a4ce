<?php

use Bitrix\Main\Localization\Loc;

defined('B_PROLOG_INCLUDED') || die();

Loc::loadMessages(__FILE__);

$arComponentDescription = [
    'NAME' => Loc::getMessage('RUSTBOX_MINDBOX_BALANCE_NAME'),
    'DESCRIPTION' => Loc::getMessage('RUSTBOX_MINDBOX_BALANCE_DESCRIPTION'),
    'PATH' => ['ID' => 'rustbox', 'NAME' => 'Rustbox'],
];
