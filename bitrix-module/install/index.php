<?php

use Bitrix\Main\Application;
use Bitrix\Main\Config\Option;
use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
use Bitrix\Main\ModuleManager;
use Rustbox\Mindbox\Loyalty\CartRule;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Setup\Installer;
use Rustbox\Mindbox\Support\EventLog;
use Rustbox\Mindbox\Support\Notices;

Loc::loadMessages(__FILE__);

/**
 * Installer of rustbox.mindbox. Install and uninstall are idempotent: each may run again after a partial run and
 * leaves the same state. Uninstall takes away everything install added, options and notices included.
 */
class rustbox_mindbox extends CModule
{
    public $MODULE_ID = 'rustbox.mindbox';
    public $MODULE_VERSION;
    public $MODULE_VERSION_DATE;
    public $MODULE_NAME;
    public $MODULE_DESCRIPTION;
    public $PARTNER_NAME;
    public $PARTNER_URI;

    public function __construct()
    {
        $arModuleVersion = [];
        include __DIR__ . '/version.php';
        $this->MODULE_VERSION = $arModuleVersion['VERSION'];
        $this->MODULE_VERSION_DATE = $arModuleVersion['VERSION_DATE'];
        $this->MODULE_NAME = Loc::getMessage('RUSTBOX_MINDBOX_MODULE_NAME');
        $this->MODULE_DESCRIPTION = Loc::getMessage('RUSTBOX_MINDBOX_MODULE_DESCRIPTION');
        $this->PARTNER_NAME = Loc::getMessage('RUSTBOX_MINDBOX_PARTNER_NAME');
        $this->PARTNER_URI = '';
    }

    public function DoInstall()
    {
        if (!ModuleManager::isModuleInstalled($this->MODULE_ID)) {
            ModuleManager::registerModule($this->MODULE_ID);
        }
        // Before the module is included: installing is this version's whole setup, no upgrade step follows it.
        Option::set($this->MODULE_ID, 'installed_version', $this->MODULE_VERSION);
        // lib/ classes autoload only once the module is registered and included.
        Loader::includeModule($this->MODULE_ID);
        $this->InstallEvents();
        $this->InstallFiles();
        // After the events: saving the rule compiles its action through the module's control.
        CartRule::install();
        Installer::installAgent();
        Installer::prepareOutboxDirectory();
        Notices::checkExtension(Mindbox::isExtensionLoaded());
        return true;
    }

    /**
     * Each step runs whatever happened to the ones before: a step that throws (a core whose API differs, a database
     * error, another module's handler) must not leave the handlers, the agent or the options behind, which would keep
     * the module running after the administrator removed it. What failed is logged and, through false and the
     * application's exception, shown on the page the administrator removed the module from.
     */
    public function DoUninstall()
    {
        $failed = [];
        if (ModuleManager::isModuleInstalled($this->MODULE_ID) && Loader::includeModule($this->MODULE_ID)) {
            $steps = [
                'cart rules' => static fn () => CartRule::uninstall(),
                'event handlers' => fn () => $this->UnInstallEvents(),
                'agent' => static fn () => Installer::uninstallAgent(),
                'admin notices' => static fn () => Notices::removeAll(),
                'product feeds' => static fn () => Installer::removeFeeds(),
                'history parts' => static fn () => Installer::removeHistory(),
                'options' => fn () => Option::delete($this->MODULE_ID),
                'module registration' => fn () => ModuleManager::unRegisterModule($this->MODULE_ID),
            ];
            foreach ($steps as $step => $run) {
                try {
                    $run();
                } catch (\Throwable $e) {
                    EventLog::failure('uninstall: ' . $step, $e);
                    $failed[] = $step . ': ' . get_class($e) . ': ' . $e->getMessage();
                }
            }
        }
        $this->UnInstallFiles();
        if ($failed !== []) {
            $GLOBALS['APPLICATION']->ThrowException(Loc::getMessage('RUSTBOX_MINDBOX_UNINSTALL_INCOMPLETE', [
                '#DETAILS#' => htmlspecialcharsbx(implode('; ', $failed)),
            ]));
            return false;
        }
        return true;
    }

    public function InstallEvents()
    {
        Installer::installEvents();
        return true;
    }

    public function UnInstallEvents()
    {
        Installer::uninstallEvents();
        return true;
    }

    /**
     * Copies the admin page proxies to /bitrix/admin/, where admin URLs point, the components to /bitrix/components/,
     * where $APPLICATION->IncludeComponent() finds them, and the feed's endpoint to /bitrix/tools/rustbox.mindbox/:
     * the core's own CopyDirFiles(), which makes the folders and gives the files the site's permissions
     * (BX_FILE_PERMISSIONS).
     */
    public function InstallFiles()
    {
        CopyDirFiles(__DIR__ . '/admin', self::adminDir());
        CopyDirFiles(__DIR__ . '/components', self::componentsDir(), true, true);
        CopyDirFiles(__DIR__ . '/tools', self::toolsDir(), true, true);
        return true;
    }

    /**
     * Removes what InstallFiles() copied and nothing else. DeleteDirFiles() removes the files of one folder that the
     * module's folder has, so the components are walked folder by folder, deepest first, and a folder goes once it is
     * empty: a vendor folder holding another component stays.
     */
    public function UnInstallFiles()
    {
        DeleteDirFiles(__DIR__ . '/admin', self::adminDir());
        DeleteDirFiles(__DIR__ . '/tools/' . $this->MODULE_ID, self::toolsDir() . '/' . $this->MODULE_ID);
        if (is_dir(self::toolsDir() . '/' . $this->MODULE_ID) && scandir(self::toolsDir() . '/' . $this->MODULE_ID) === ['.', '..']) {
            rmdir(self::toolsDir() . '/' . $this->MODULE_ID);
        }
        $folders = new RecursiveIteratorIterator(
            new RecursiveDirectoryIterator(__DIR__ . '/components', FilesystemIterator::SKIP_DOTS),
            RecursiveIteratorIterator::CHILD_FIRST
        );
        foreach ($folders as $folder) {
            if (!$folder->isDir()) {
                continue;
            }
            $installed = self::componentsDir() . substr($folder->getPathname(), strlen(__DIR__ . '/components'));
            DeleteDirFiles($folder->getPathname(), $installed);
            if (is_dir($installed) && scandir($installed) === ['.', '..']) {
                rmdir($installed);
            }
        }
        return true;
    }

    private static function adminDir(): string
    {
        return Application::getDocumentRoot() . '/bitrix/admin';
    }

    private static function componentsDir(): string
    {
        return Application::getDocumentRoot() . '/bitrix/components';
    }

    private static function toolsDir(): string
    {
        return Application::getDocumentRoot() . '/bitrix/tools';
    }
}
