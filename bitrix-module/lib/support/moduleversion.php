<?php

namespace Rustbox\Mindbox\Support;

use Bitrix\Main\Config\Option;
use Rustbox\Mindbox\Config\Options;

/**
 * The module's version in its files (install/version.php) against the one installed in the site's database, which the
 * installer and each upgrade step record. Files older than what is installed are a downgrade: the newer version may
 * have left data the older code cannot read, so the module does nothing until files of that version or newer are back
 * (Setup\Upgrade tells the administrator).
 */
final class ModuleVersion
{
    public const OPTION = 'installed_version';

    /** The first release, which did not record the version it installed. */
    public const FIRST = '0.1.0';

    private static ?string $files = null;

    public static function files(): string
    {
        if (self::$files === null) {
            $arModuleVersion = [];
            include dirname(__DIR__, 2) . '/install/version.php';
            self::$files = (string)$arModuleVersion['VERSION'];
        }
        return self::$files;
    }

    public static function installed(): string
    {
        $installed = (string)Option::get(Options::MODULE_ID, self::OPTION, '');
        return $installed !== '' ? $installed : self::FIRST;
    }

    public static function record(string $version): void
    {
        Option::set(Options::MODULE_ID, self::OPTION, $version);
    }

    /** The files are older than what is installed. */
    public static function isDowngrade(): bool
    {
        return version_compare(self::files(), self::installed(), '<');
    }
}
