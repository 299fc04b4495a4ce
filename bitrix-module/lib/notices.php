<?php

namespace Rustbox\Mindbox;

use Bitrix\Main\Localization\Loc;

Loc::loadMessages(__FILE__);

/** Messages on top of every admin page (CAdminNotify), for what an administrator must fix. */
final class Notices
{
    private const TAG_EXTENSION = 'rustbox_mindbox_extension';
    private const TAG_STATUS = 'rustbox_mindbox_status_';

    /** Shows the "extension missing" notice while the extension is absent, and takes it away once it is there. */
    public static function checkExtension(): void
    {
        if (Mindbox::isExtensionLoaded()) {
            \CAdminNotify::DeleteByTag(self::TAG_EXTENSION);
            return;
        }
        self::add(self::TAG_EXTENSION, Loc::getMessage('RUSTBOX_MINDBOX_NOTICE_NO_EXTENSION'));
    }

    public static function unmappedStatus(string $siteId, string $status): void
    {
        self::add(self::TAG_STATUS . md5($siteId . '|' . $status), Loc::getMessage('RUSTBOX_MINDBOX_NOTICE_UNMAPPED_STATUS', [
            '#STATUS#' => htmlspecialcharsbx($status),
            '#SITE#' => htmlspecialcharsbx($siteId !== '' ? $siteId : '-'),
            '#LANG#' => defined('LANGUAGE_ID') ? LANGUAGE_ID : 'ru',
        ]));
    }

    public static function removeAll(): void
    {
        \CAdminNotify::DeleteByModule(Mindbox::MODULE_ID);
    }

    private static function add(string $tag, ?string $message): void
    {
        \CAdminNotify::Add([
            'MESSAGE' => (string)$message,
            'TAG' => $tag,
            'MODULE_ID' => Mindbox::MODULE_ID,
            'ENABLE_CLOSE' => 'Y',
        ]);
    }
}
