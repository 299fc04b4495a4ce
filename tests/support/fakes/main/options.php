<?php
// Settings (main/lib/config/option.php, configuration.php; the old kernel's COption of
// main/classes/general/option.php): b_option's values and bitrix/.settings.php.

namespace Bitrix\Main\Config {

    use Bitrix\Main\ArgumentNullException;
    use Bitrix\Main\Context;
    use Bitrix\Main\Loader;

    /**
     * bitrix/.settings.php (main/lib/config/configuration.php): getValue($name) is the 'value' of that entry of
     * the array the file returns, read once per hit; null when the file or the entry is missing.
     */
    final class Configuration
    {
        private static ?array $data = null;

        public static function fakeReset(): void
        {
            self::$data = null;
        }

        public static function getValue($name)
        {
            if (self::$data === null) {
                $path = \Bitrix\Main\Application::getDocumentRoot() . '/bitrix/.settings.php';
                $data = is_file($path) ? include $path : [];
                self::$data = is_array($data) ? $data : [];
            }
            return self::$data[$name]['value'] ?? null;
        }
    }

    /**
     * b_option: values per module and site ("" = module-wide), with the core's fallbacks. With fakePersist() the table
     * lives in a file too, as the database outlives a process: what one process of a fake site (FakeSite) wrote, the
     * next one reads.
     */
    class Option
    {
        private static array $options = [];
        private static ?string $file = null;

        public static function fakeReset(): void
        {
            self::$options = [];
            self::$file = null;
        }

        /** Keeps the table in $file from now on, taking what it holds over the values set so far. */
        public static function fakePersist(string $file): void
        {
            self::$file = $file;
            $stored = is_file($file) ? json_decode((string)file_get_contents($file), true) : null;
            self::$options = array_replace_recursive(self::$options, is_array($stored) ? $stored : []);
            self::fakeWrite();
        }

        /** Written whole and renamed into place, so that another process never reads half of it. */
        private static function fakeWrite(): void
        {
            if (self::$file !== null) {
                $temporary = self::$file . '.' . getmypid();
                file_put_contents($temporary, json_encode(self::$options, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES));
                rename($temporary, self::$file);
            }
        }

        public static function fakeAll(): array
        {
            return self::$options;
        }

        public static function get($moduleId, $name, $default = '', $siteId = false)
        {
            $value = self::getRealValue($moduleId, $name, $siteId);
            if ($value !== null) {
                return $value;
            }
            if ($default == '') {
                $defaults = self::getDefaults($moduleId);
                if (isset($defaults[$name])) {
                    return $defaults[$name];
                }
            }
            return $default;
        }

        public static function getRealValue($moduleId, $name, $siteId = false)
        {
            if ($moduleId == '' || $name == '') {
                throw new ArgumentNullException('moduleId or name');
            }
            if ($siteId === false) {
                $siteId = (string)(Context::getCurrent()?->getSite() ?? '');
            }
            return self::$options[$moduleId][(string)$siteId][$name] ?? self::$options[$moduleId][''][$name] ?? null;
        }

        public static function set($moduleId, $name, $value = '', $siteId = '')
        {
            if ($moduleId == '' || $name == '') {
                throw new ArgumentNullException('moduleId or name');
            }
            self::$options[$moduleId][(string)$siteId][$name] = (string)$value;
            self::fakeWrite();
        }

        public static function delete($moduleId, array $filter = [])
        {
            foreach (self::$options[$moduleId] ?? [] as $siteId => $values) {
                if (isset($filter['site_id']) && (string)$filter['site_id'] !== (string)$siteId) {
                    continue;
                }
                foreach (array_keys($values) as $name) {
                    if (!isset($filter['name']) || $filter['name'] === $name) {
                        unset(self::$options[$moduleId][$siteId][$name]);
                    }
                }
                if (self::$options[$moduleId][$siteId] === []) {
                    unset(self::$options[$moduleId][$siteId]);
                }
            }
            if ((self::$options[$moduleId] ?? null) === []) {
                unset(self::$options[$moduleId]);
            }
            self::fakeWrite();
        }

        /** The module's default_option.php: the variable <module id with "_" for ".">_default_option. */
        public static function getDefaults($moduleId)
        {
            $file = Loader::getLocal('modules/' . $moduleId . '/default_option.php');
            if ($file === false) {
                return [];
            }
            $variable = str_replace('.', '_', $moduleId) . '_default_option';
            return (static function (string $file, string $variable): array {
                include $file;
                return isset($$variable) && is_array($$variable) ? $$variable : [];
            })($file, $variable);
        }

        public static function getForModule($moduleId, $siteId = false)
        {
            $siteId = $siteId === false ? '' : (string)$siteId;
            return (self::$options[$moduleId][$siteId] ?? []) + (self::$options[$moduleId][''] ?? []);
        }
    }
}

namespace {

    class COption
    {
        public static function GetOptionString($module_id, $name, $def = '', $site = false, $bExactSite = false)
        {
            return \Bitrix\Main\Config\Option::get($module_id, $name, $def, $site);
        }

        public static function SetOptionString($module_id, $name, $value = '', $desc = false, $site = '')
        {
            \Bitrix\Main\Config\Option::set($module_id, $name, $value, $site);
            return true;
        }

        public static function GetOptionInt($module_id, $name, $def = '', $site = false)
        {
            return (int)self::GetOptionString($module_id, $name, (string)$def, $site);
        }

        public static function SetOptionInt($module_id, $name, $value = '', $desc = '', $site = '')
        {
            return self::SetOptionString($module_id, $name, (string)(int)$value, $desc, $site);
        }

        public static function RemoveOption($module_id, $name = '', $site = false)
        {
            $filter = $name !== '' ? ['name' => $name] : [];
            if ($site !== false) {
                $filter['site_id'] = $site;
            }
            \Bitrix\Main\Config\Option::delete($module_id, $filter);
        }
    }
}
