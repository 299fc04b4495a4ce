<?php

use Bitrix\Main\Application;
use Bitrix\Main\Config\Option;
use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
use Bitrix\Main\ModuleManager;
use Rustbox\Mindbox\Loyalty\CartRule;
use Rustbox\Mindbox\Notices;
use Rustbox\Mindbox\Setup\Installer;
use Rustbox\Mindbox\Support\EventLog;

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
        // lib/ classes autoload only once the module is registered and included.
        Loader::includeModule($this->MODULE_ID);
        $this->InstallEvents();
        $this->InstallFiles();
        // After the events: saving the rule compiles its action through the module's control.
        CartRule::install();
        Installer::installAgent();
        Installer::prepareOutboxDirectory();
        Notices::checkExtension();
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
     * Copies the admin page proxies to /bitrix/admin/, where admin URLs point, and the components to
     * /bitrix/components/, where $APPLICATION->IncludeComponent() finds them.
     */
    public function InstallFiles()
    {
        $target = self::adminDir();
        if (!is_dir($target)) {
            mkdir($target, 0755, true);
        }
        foreach (self::adminProxies() as $proxy) {
            copy($proxy, $target . '/' . basename($proxy));
        }
        $files = new RecursiveIteratorIterator(
            new RecursiveDirectoryIterator(__DIR__ . '/components', FilesystemIterator::SKIP_DOTS),
            RecursiveIteratorIterator::SELF_FIRST
        );
        foreach ($files as $file) {
            $installed = self::componentsDir() . substr($file->getPathname(), strlen(__DIR__ . '/components'));
            if ($file->isDir() && !is_dir($installed)) {
                mkdir($installed, 0755, true);
            } elseif ($file->isFile()) {
                copy($file->getPathname(), $installed);
            }
        }
        return true;
    }

    /** Removes what InstallFiles() copied; a vendor folder of components goes too once nothing else is in it. */
    public function UnInstallFiles()
    {
        foreach (self::adminProxies() as $proxy) {
            $installed = self::adminDir() . '/' . basename($proxy);
            if (is_file($installed)) {
                unlink($installed);
            }
        }
        foreach (glob(__DIR__ . '/components/*/*', GLOB_ONLYDIR) ?: [] as $component) {
            $installed = self::componentsDir() . substr($component, strlen(__DIR__ . '/components'));
            if (!is_dir($installed)) {
                continue;
            }
            $files = new RecursiveIteratorIterator(
                new RecursiveDirectoryIterator($installed, FilesystemIterator::SKIP_DOTS),
                RecursiveIteratorIterator::CHILD_FIRST
            );
            foreach ($files as $file) {
                $file->isDir() ? rmdir($file->getPathname()) : unlink($file->getPathname());
            }
            rmdir($installed);
            if (scandir(dirname($installed)) === ['.', '..']) {
                rmdir(dirname($installed));
            }
        }
        return true;
    }

    private static function adminProxies(): array
    {
        return glob(__DIR__ . '/admin/*.php') ?: [];
    }

    private static function adminDir(): string
    {
        return Application::getDocumentRoot() . '/bitrix/admin';
    }

    private static function componentsDir(): string
    {
        return Application::getDocumentRoot() . '/bitrix/components';
    }
}
