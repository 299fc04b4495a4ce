<?php

namespace Rustbox\Mindbox\Setup;

use Bitrix\Main\Config\Option;
use Rustbox\Mindbox\Config\Options;
use Rustbox\Mindbox\Loyalty\CartRule;
use Rustbox\Mindbox\Support\DatabaseLock;
use Rustbox\Mindbox\Support\EventLog;
use Rustbox\Mindbox\Support\ModuleVersion;
use Rustbox\Mindbox\Support\Notices;

/**
 * Upgrading the module in place: new files over an installed module. Bitrix runs no step of its own for a module
 * copied into local/modules (its update system does only for modules of its marketplace, by their updater.php), so
 * the module runs its own, once, on the first hit that includes it with files newer than the version installed (the
 * site's option `installed_version`; the first release kept none): the handlers this version has are registered and
 * those it no longer has taken away, the agents, the admin pages' and components' files, the cart rule of every site
 * and the outbox's directory made as an install makes them, and the new version recorded. Every step is one an install
 * runs again without harm, so a step cut short runs again whole; settings are never touched (a new option's default
 * comes from default_option.php), and nothing is sent.
 *
 * One process runs it (a lock of the site's database); the others go on with the handlers registered as they are,
 * which the new files serve as they did (former class names stay aliases, Setup\Renamed). A step that fails is
 * logged and tried again after RETRY_SECONDS, not on every hit. Files older than what is installed are refused: the
 * module does nothing (Support\Guard, Mindbox::client()) and says so on every admin page until they are replaced.
 */
final class Upgrade
{
    private const LOCK = 'rustbox_mindbox_upgrade';
    private const FAILED_AT = 'upgrade_failed_at';
    private const RETRY_SECONDS = 300;

    /** include.php, on every hit that includes the module: the module's options read (cached) when there is nothing to do. */
    public static function check(): void
    {
        if (ModuleVersion::isDowngrade()) {
            Notices::downgrade(ModuleVersion::installed(), ModuleVersion::files());
            return;
        }
        Notices::downgradeEnded();
        if (ModuleVersion::files() === ModuleVersion::installed()
            || (int)Option::get(Options::MODULE_ID, self::FAILED_AT, '0') > time() - self::RETRY_SECONDS) {
            return;
        }
        DatabaseLock::run(self::LOCK, static function (): void {
            $from = ModuleVersion::installed();
            $to = ModuleVersion::files();
            try {
                self::steps();
            } catch (\Throwable $e) {
                Option::set(Options::MODULE_ID, self::FAILED_AT, (string)time());
                EventLog::error('upgrade', sprintf('Upgrading the module from %s to %s failed, tried again in %d s: %s: %s', $from, $to, self::RETRY_SECONDS, get_class($e), $e->getMessage()));
                return;
            }
            ModuleVersion::record($to);
            Option::delete(Options::MODULE_ID, ['name' => self::FAILED_AT]);
            EventLog::info('upgrade', sprintf('The module was upgraded from %s to %s', $from, $to));
        });
    }

    /** What an install sets up, brought to this version's. */
    private static function steps(): void
    {
        require_once dirname(__DIR__, 2) . '/install/index.php';
        (new \rustbox_mindbox())->InstallFiles();
        Installer::installEvents();
        Installer::retireEvents();
        Installer::installAgent();
        CartRule::install();
        Installer::prepareOutboxDirectory();
    }
}
