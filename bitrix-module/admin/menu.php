<?php

use Bitrix\Main\Localization\Loc;

defined('B_PROLOG_INCLUDED') || die();

Loc::loadMessages(__FILE__);

global $USER;
if (!is_object($USER) || !$USER->IsAdmin()) {
    return [];
}

return [
    'parent_menu' => 'global_menu_services',
    'section' => 'rustbox_mindbox',
    'sort' => 900,
    'text' => Loc::getMessage('RUSTBOX_MINDBOX_MENU'),
    'title' => Loc::getMessage('RUSTBOX_MINDBOX_MENU'),
    'icon' => 'sys_menu_icon',
    'items_id' => 'menu_rustbox_mindbox',
    'items' => [
        [
            'text' => Loc::getMessage('RUSTBOX_MINDBOX_MENU_OUTBOX'),
            'url' => 'rustbox_mindbox_outbox.php?lang=' . LANGUAGE_ID,
        ],
        [
            'text' => Loc::getMessage('RUSTBOX_MINDBOX_MENU_FEED'),
            'url' => 'rustbox_mindbox_feed.php?lang=' . LANGUAGE_ID,
        ],
        [
            'text' => Loc::getMessage('RUSTBOX_MINDBOX_MENU_HISTORY'),
            'url' => 'rustbox_mindbox_history.php?lang=' . LANGUAGE_ID,
        ],
        [
            'text' => Loc::getMessage('RUSTBOX_MINDBOX_MENU_SETTINGS'),
            'url' => 'settings.php?mid=rustbox.mindbox&lang=' . LANGUAGE_ID,
        ],
    ],
];
