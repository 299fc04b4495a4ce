<?php
// Modules (main/lib/modulemanager.php, loader.php; the old kernel's CModule, RegisterModule() and UnRegisterModule()
// in main/classes/general/module.php): which modules are installed, how one is included, and the installers' base.

namespace Bitrix\Main {

    /** b_module: the installed module ids. */
    class ModuleManager
    {
        private static array $installed = [];

        public static function fakeReset(array $installed): void
        {
            self::$installed = array_fill_keys($installed, true);
        }

        public static function registerModule($moduleName)
        {
            self::$installed[strtolower($moduleName)] = true;
        }

        /** modulemanager.php: the module's agents are deleted with it, whatever its uninstaller did. */
        public static function unRegisterModule($moduleName)
        {
            \CAgent::RemoveModuleAgents($moduleName);
            unset(self::$installed[strtolower($moduleName)]);
        }

        public static function isModuleInstalled($moduleName)
        {
            return isset(self::$installed[strtolower((string)$moduleName)]);
        }

        public static function getInstalledModules()
        {
            $ids = array_keys(self::$installed);
            return array_combine($ids, array_map(static fn (string $id) => ['ID' => $id], $ids));
        }

        public static function getVersion($moduleName)
        {
            return self::isModuleInstalled($moduleName) ? '1.0.0' : false;
        }
    }

    /**
     * Includes registered modules: a module with a folder under local/modules or bitrix/modules gets its lib/
     * autoloaded (lower-case file names first) and its include.php included once; the core modules the fakes
     * stand for have no folder.
     */
    class Loader
    {
        private static array $included = [];
        private static array $namespaces = [];
        private static bool $autoloader = false;

        public static function fakeReset(): void
        {
            self::$included = [];
            self::$namespaces = [];
        }

        public static function includeModule($moduleName)
        {
            $moduleName = strtolower((string)$moduleName);
            if (!ModuleManager::isModuleInstalled($moduleName)) {
                return false;
            }
            if (isset(self::$included[$moduleName])) {
                return self::$included[$moduleName];
            }
            $dir = self::getLocal('modules/' . $moduleName);
            if ($dir === false) {
                return self::$included[$moduleName] = true;
            }
            $namespace = str_replace('.', '\\', ucwords($moduleName, '.')) . '\\';
            self::registerNamespace($namespace, $dir . '/lib');
            self::$included[$moduleName] = true;
            if (is_file($dir . '/include.php')) {
                self::$included[$moduleName] = (static fn ($file) => include_once $file)($dir . '/include.php') !== false;
            }
            return self::$included[$moduleName];
        }

        public static function registerNamespace($namespace, $path)
        {
            self::$namespaces[trim($namespace, '\\') . '\\'] = $path;
            if (!self::$autoloader) {
                spl_autoload_register([self::class, 'autoLoad']);
                self::$autoloader = true;
            }
        }

        public static function autoLoad($className)
        {
            foreach (self::$namespaces as $namespace => $path) {
                if (stripos(ltrim($className, '\\'), $namespace) !== 0) {
                    continue;
                }
                $relative = str_replace('\\', '/', substr(ltrim($className, '\\'), strlen($namespace)));
                foreach ([strtolower($relative), $relative] as $candidate) {
                    if (is_file($path . '/' . $candidate . '.php')) {
                        require_once $path . '/' . $candidate . '.php';
                        return;
                    }
                }
            }
        }

        public static function getLocal($path, $root = null)
        {
            $root ??= Application::getDocumentRoot();
            foreach (['/local/', '/bitrix/'] as $holder) {
                if (file_exists($root . $holder . $path)) {
                    return $root . $holder . $path;
                }
            }
            return false;
        }
    }
}

namespace {

    use Bitrix\Main\ModuleManager;

    class CModule
    {
        public $MODULE_NAME;
        public $MODULE_DESCRIPTION;
        public $MODULE_VERSION;
        public $MODULE_VERSION_DATE;
        public $MODULE_ID;
        public $MODULE_SORT = 10000;
        public $SHOW_SUPER_ADMIN_GROUP_RIGHTS;
        public $MODULE_GROUP_RIGHTS;
        public $PARTNER_NAME;
        public $PARTNER_URI;

        public function InstallDB()
        {
            return true;
        }

        public function UnInstallDB()
        {
            return true;
        }

        public function InstallEvents()
        {
            return true;
        }

        public function UnInstallEvents()
        {
            return true;
        }

        public function InstallFiles()
        {
            return true;
        }

        public function UnInstallFiles()
        {
            return true;
        }

        public function DoInstall()
        {
        }

        public function DoUninstall()
        {
        }

        public function IsInstalled()
        {
            return ModuleManager::isModuleInstalled($this->MODULE_ID);
        }
    }

    function RegisterModule($id)
    {
        ModuleManager::registerModule($id);
    }

    function UnRegisterModule($id)
    {
        ModuleManager::unRegisterModule($id);
    }
}
