<?php
// Fakes of the Bitrix main module's D7 classes, in their real namespaces, with the signatures and behaviours of
// shared/reference/bitrix.md (sections 2, 4 and 5.4). Methods named fake*() exist only in the fakes: they stand for
// what the real core keeps in its database or gets from the web server.

namespace Bitrix\Main {

    class SystemException extends \Exception
    {
    }

    class ArgumentNullException extends SystemException
    {
    }

    class Event
    {
        protected array $results = [];

        public function __construct(protected $moduleId, protected $type, protected $parameters = [], protected $filter = null)
        {
        }

        public function getModuleId()
        {
            return $this->moduleId;
        }

        public function getEventType()
        {
            return $this->type;
        }

        public function getParameters()
        {
            return $this->parameters;
        }

        /** Null for a key the event was not given (never a warning). */
        public function getParameter($key)
        {
            return $this->parameters[$key] ?? null;
        }

        public function setParameter($key, $value)
        {
            $this->parameters[$key] = $value;
        }

        public function setParameters($parameters)
        {
            $this->parameters = $parameters;
        }

        public function getFilter()
        {
            return $this->filter;
        }

        public function addResult(EventResult $result)
        {
            $this->results[] = $result;
        }

        /** @return EventResult[] */
        public function getResults()
        {
            return $this->results;
        }

        public function send($sender = null)
        {
            EventManager::getInstance()->send($this);
        }
    }

    class EventResult
    {
        public const UNDEFINED = 0;
        public const SUCCESS = 1;
        public const ERROR = 2;

        public function __construct(private $type, private $parameters = null, private $moduleId = null, private $handler = null)
        {
        }

        public function getType()
        {
            return $this->type;
        }

        public function getResultType()
        {
            return $this->type;
        }

        public function getParameters()
        {
            return $this->parameters;
        }

        public function getModuleId()
        {
            return $this->moduleId;
        }

        public function getHandler()
        {
            return $this->handler;
        }
    }

    /**
     * Registered handlers are rows of b_module_to_module (kept in fakeRows()); add* handlers live for the hit.
     * Dispatch includes the handler's module first, gives VERSION 2 handlers the Event and VERSION 1 handlers the
     * positional values, and ignores rows of modules that are not installed (the core joins b_module).
     */
    class EventManager
    {
        private static ?EventManager $instance = null;
        private array $rows = [];
        private array $runtime = [];
        private int $runtimeKey = 0;

        public static function getInstance()
        {
            return self::$instance ??= new self();
        }

        public static function fakeReset(): void
        {
            self::$instance = null;
        }

        public function fakeRows(): array
        {
            return $this->rows;
        }

        public function addEventHandler($fromModuleId, $eventType, $callback, $includeFile = false, $sort = 100)
        {
            return $this->addRuntime($fromModuleId, $eventType, $callback, $includeFile, $sort, 2);
        }

        public function addEventHandlerCompatible($fromModuleId, $eventType, $callback, $includeFile = false, $sort = 100)
        {
            return $this->addRuntime($fromModuleId, $eventType, $callback, $includeFile, $sort, 1);
        }

        public function removeEventHandler($fromModuleId, $eventType, $iEventHandlerKey)
        {
            unset($this->runtime[$iEventHandlerKey]);
            return true;
        }

        public function registerEventHandler($fromModuleId, $eventType, $toModuleId, $toClass = '', $toMethod = '', $sort = 100, $toPath = '', $toMethodArg = [])
        {
            $this->register($fromModuleId, $eventType, $toModuleId, $toClass, $toMethod, $sort, $toPath, $toMethodArg, 2);
        }

        public function registerEventHandlerCompatible($fromModuleId, $eventType, $toModuleId, $toClass = '', $toMethod = '', $sort = 100, $toPath = '', $toMethodArg = [])
        {
            $this->register($fromModuleId, $eventType, $toModuleId, $toClass, $toMethod, $sort, $toPath, $toMethodArg, 1);
        }

        public function unRegisterEventHandler($fromModuleId, $eventType, $toModuleId, $toClass = '', $toMethod = '', $toPath = '', $toMethodArg = [])
        {
            $toMethodArg = is_array($toMethodArg) && $toMethodArg !== [] ? serialize($toMethodArg) : '';
            foreach ($this->rows as $id => $row) {
                if (strcasecmp($row['FROM_MODULE_ID'], $fromModuleId) === 0 && strcasecmp($row['MESSAGE_ID'], $eventType) === 0
                    && [$row['TO_MODULE_ID'], $row['TO_CLASS'], $row['TO_METHOD'], $row['TO_PATH'], $row['TO_METHOD_ARG']] === [$toModuleId, $toClass, $toMethod, $toPath, $toMethodArg]) {
                    unset($this->rows[$id]);
                }
            }
        }

        public function findEventHandlers($eventModuleId, $eventType, array $filter = null)
        {
            $handlers = [];
            foreach (array_merge(array_values($this->rows), array_values($this->runtime)) as $row) {
                if (strcasecmp($row['FROM_MODULE_ID'], $eventModuleId) !== 0 || strcasecmp($row['MESSAGE_ID'], $eventType) !== 0) {
                    continue;
                }
                if (!isset($row['CALLBACK']) && !ModuleManager::isModuleInstalled($row['TO_MODULE_ID'])) {
                    continue;
                }
                if ($filter !== null && !in_array($row['TO_MODULE_ID'], $filter, true)) {
                    continue;
                }
                $handlers[] = $row;
            }
            usort($handlers, static fn ($a, $b) => $a['SORT'] <=> $b['SORT']);
            return $handlers;
        }

        public function send(Event $event)
        {
            foreach ($this->findEventHandlers($event->getModuleId(), $event->getEventType(), $event->getFilter()) as $handler) {
                $args = (int)$handler['VERSION'] > 1 ? [$event] : array_values((array)$event->getParameters());
                $result = static::fakeCall($handler, $args);
                if ($result !== null) {
                    $event->addResult($result instanceof EventResult ? $result : new EventResult(EventResult::UNDEFINED, $result, $handler['TO_MODULE_ID']));
                }
            }
        }

        /** Includes the handler's module (and file) and calls it; exceptions propagate as in the core. */
        public static function fakeCall(array $handler, array $args)
        {
            $module = (string)($handler['TO_MODULE_ID'] ?? '');
            if ($module !== '' && $module !== 'main' && !Loader::includeModule($module)) {
                return null;
            }
            if (($handler['TO_PATH'] ?? '') !== '') {
                include_once Application::getDocumentRoot() . $handler['TO_PATH'];
            }
            $callback = $handler['CALLBACK'] ?? [$handler['TO_CLASS'], $handler['TO_METHOD']];
            return call_user_func_array($callback, $args);
        }

        private function register($fromModuleId, $eventType, $toModuleId, $toClass, $toMethod, $sort, $toPath, $toMethodArg, int $version): void
        {
            // INSERT IGNORE on UNIQUE_ID, an empty argument list counted as '': registering twice keeps one row.
            $toMethodArg = is_array($toMethodArg) && $toMethodArg !== [] ? serialize($toMethodArg) : '';
            $uniqueId = md5(strtolower(implode('.', [$fromModuleId, $eventType, $toModuleId, $toPath, $toClass, $toMethod, $toMethodArg, $version])));
            $this->rows[$uniqueId] ??= [
                'FROM_MODULE_ID' => $fromModuleId,
                'MESSAGE_ID' => $eventType,
                'TO_MODULE_ID' => $toModuleId,
                'TO_CLASS' => $toClass,
                'TO_METHOD' => $toMethod,
                'SORT' => (int)$sort,
                'TO_PATH' => $toPath,
                'TO_METHOD_ARG' => $toMethodArg,
                'VERSION' => $version,
                'UNIQUE_ID' => $uniqueId,
            ];
        }

        private function addRuntime($fromModuleId, $eventType, $callback, $includeFile, $sort, int $version): int
        {
            $key = $this->runtimeKey++;
            $this->runtime[$key] = [
                'FROM_MODULE_ID' => $fromModuleId,
                'MESSAGE_ID' => $eventType,
                'TO_MODULE_ID' => '',
                'CALLBACK' => $callback,
                'SORT' => (int)$sort,
                'TO_PATH' => '',
                'VERSION' => $version,
            ];
            return $key;
        }
    }

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

    class Application
    {
        private static ?Application $instance = null;
        private static string $documentRoot = '';
        private ?Context $context = null;

        public static function getInstance()
        {
            return self::$instance ??= new self();
        }

        public static function fakeReset(string $documentRoot): void
        {
            self::$instance = null;
            self::$documentRoot = $documentRoot;
        }

        public static function getDocumentRoot()
        {
            return self::$documentRoot;
        }

        public function getContext()
        {
            return $this->context;
        }

        public function setContext(Context $context)
        {
            $this->context = $context;
        }
    }

    class Context
    {
        private ?string $site = null;
        private string $language = 'en';

        public function __construct(private HttpRequest $request)
        {
        }

        public static function getCurrent()
        {
            return Application::getInstance()->getContext();
        }

        public function getRequest()
        {
            return $this->request;
        }

        public function getSite()
        {
            return $this->site;
        }

        public function setSite($site)
        {
            $this->site = $site;
        }

        public function getLanguage()
        {
            return $this->language;
        }

        public function setLanguage($language)
        {
            $this->language = $language;
        }
    }

    class ParameterDictionary
    {
        public function __construct(private array $values = [])
        {
        }

        public function get($name)
        {
            return $this->values[$name] ?? null;
        }

        public function toArray()
        {
            return $this->values;
        }
    }

    class HttpRequest
    {
        public const COOKIE_PREFIX = 'BITRIX_SM_';

        /**
         * @param array $cookies as the browser sent them (raw names)
         * @param array $server  $_SERVER-like: REMOTE_ADDR, REQUEST_METHOD, REQUEST_URI
         */
        public function __construct(
            private array $query = [],
            private array $post = [],
            private array $cookies = [],
            private array $server = [],
            private bool $adminSectionDefined = false,
        ) {
        }

        /** The cookie under the site's prefix (BITRIX_SM_ by default): what Bitrix itself sets. */
        public function getCookie($name)
        {
            return $this->cookies[self::COOKIE_PREFIX . $name] ?? null;
        }

        /** The cookie under its own name: what third-party scripts such as the Mindbox tracker set. */
        public function getCookieRaw($name)
        {
            return $this->cookies[$name] ?? null;
        }

        public function getCookieRawList()
        {
            return new ParameterDictionary($this->cookies);
        }

        public function get($name)
        {
            return $this->post[$name] ?? $this->query[$name] ?? null;
        }

        public function getQuery($name)
        {
            return $this->query[$name] ?? null;
        }

        public function getPost($name)
        {
            return $this->post[$name] ?? null;
        }

        public function getPostList()
        {
            return new ParameterDictionary($this->post);
        }

        public function isPost()
        {
            return ($this->server['REQUEST_METHOD'] ?? 'GET') === 'POST';
        }

        public function getRemoteAddress()
        {
            return $this->server['REMOTE_ADDR'] ?? null;
        }

        public function getRequestUri()
        {
            return $this->server['REQUEST_URI'] ?? '/';
        }

        /**
         * main/lib/request.php (21.400): the requested page's folder, taken without a trailing slash, against
         * "/bitrix/admin/" (so only pages in sub-folders match), or the ADMIN_SECTION constant, which the admin
         * prolog defines ($adminSectionDefined: a test process cannot define a constant per hit). A script under
         * /bitrix/admin/ without the admin prolog, such as the 1C exchange, is therefore not the admin section.
         */
        public function isAdminSection()
        {
            $directory = dirname((string)parse_url($this->getRequestUri(), PHP_URL_PATH));
            return $this->adminSectionDefined
                || str_starts_with($directory, '/bitrix/admin/')
                || str_starts_with($directory, '/bitrix/updates/');
        }
    }

    class Error
    {
        public function __construct(protected $message, protected $code = 0, protected $customData = null)
        {
        }

        public function getMessage()
        {
            return $this->message;
        }

        public function getCode()
        {
            return $this->code;
        }
    }

    /** The result of an operation (save, add…). */
    class Result
    {
        private array $errors = [];
        private array $data = [];

        public function isSuccess()
        {
            return $this->errors === [];
        }

        public function addError(Error $error)
        {
            $this->errors[] = $error;
            return $this;
        }

        public function getErrors()
        {
            return $this->errors;
        }

        public function getErrorMessages()
        {
            return array_map(static fn (Error $e) => $e->getMessage(), $this->errors);
        }

        public function setData(array $data)
        {
            $this->data = $data;
            return $this;
        }

        public function getData()
        {
            return $this->data;
        }
    }

    /** b_lang: the sites of the installation. */
    /** main/lib/user.php: the technical kinds of users (a fixed list; no event extends it). */
    class UserTable
    {
        public static function getExternalUserTypes()
        {
            return ['bot', 'email', '__controller', 'replica', 'imconnector', 'sale', 'saleanonymous', 'shop', 'call', 'document_editor'];
        }
    }

    class SiteTable
    {
        private static array $sites = [];

        public static function fakeReset(array $sites): void
        {
            self::$sites = $sites;
        }

        public static function getList(array $parameters = [])
        {
            $rows = [];
            foreach (self::$sites as $lid => $name) {
                $row = ['LID' => $lid, 'NAME' => $name, 'ACTIVE' => 'Y'];
                $rows[] = isset($parameters['select']) ? array_intersect_key($row, array_flip($parameters['select'])) : $row;
            }
            return new DB\Result($rows);
        }
    }
}

namespace Bitrix\Main\DB {

    /** A query result: rows fetched one by one. */
    class Result
    {
        public function __construct(private array $rows = [])
        {
        }

        public function fetch()
        {
            return array_shift($this->rows) ?? false;
        }

        public function fetchAll()
        {
            $rows = $this->rows;
            $this->rows = [];
            return $rows;
        }
    }
}

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

    /** b_option: values per module and site ("" = module-wide), with the core's fallbacks. */
    class Option
    {
        private static array $options = [];

        public static function fakeReset(): void
        {
            self::$options = [];
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

namespace Bitrix\Main\Localization {

    /**
     * Message files: for /a/b/lib/x.php the nearest folder above holding lang/ (here /a/b) gives
     * /a/b/lang/<language>/lib/x.php, which fills $MESS.
     */
    final class Loc
    {
        private static array $messages = [];
        private static ?string $language = null;

        public static function fakeReset(): void
        {
            self::$messages = [];
            self::$language = null;
        }

        public static function setCurrentLang($language)
        {
            self::$language = $language;
        }

        public static function getCurrentLang()
        {
            return self::$language ?? (defined('LANGUAGE_ID') ? LANGUAGE_ID : 'en');
        }

        public static function loadMessages($file)
        {
            $language = self::getCurrentLang();
            foreach (self::loadLanguageFile($file, $language) as $code => $message) {
                self::$messages[$language][$code] = $message;
            }
        }

        public static function loadLanguageFile($file, $language = null, $normalize = true)
        {
            $language ??= self::getCurrentLang();
            $dir = dirname($file);
            while ($dir !== dirname($dir) && !is_dir($dir . '/lang')) {
                $dir = dirname($dir);
            }
            $langFile = $dir . '/lang/' . $language . substr($file, strlen($dir));
            if (!is_file($langFile)) {
                return [];
            }
            return (static function (string $langFile): array {
                $MESS = [];
                include $langFile;
                return $MESS;
            })($langFile);
        }

        public static function getMessage($code, $replace = null, $language = null)
        {
            $message = self::$messages[$language ?? self::getCurrentLang()][$code] ?? null;
            if ($message !== null && is_array($replace)) {
                $message = strtr($message, $replace);
            }
            return $message;
        }
    }
}

namespace Bitrix\Main\Page {

    class AssetLocation
    {
        public const BEFORE_CSS = 'BEFORE_CSS';
        public const AFTER_CSS = 'AFTER_CSS';
        public const AFTER_JS_KERNEL = 'AFTER_JS_KERNEL';
        public const AFTER_JS = 'AFTER_JS';
        public const BODY_END = 'BODY_END';
    }

    class Asset
    {
        private static ?Asset $instance = null;
        private array $strings = [];

        public static function getInstance()
        {
            return self::$instance ??= new self();
        }

        public static function fakeReset(): void
        {
            self::$instance = null;
        }

        public function addString($str, $unique = false, $location = AssetLocation::AFTER_JS_KERNEL, $mode = null)
        {
            if ($unique && in_array($str, array_column($this->strings, 'string'), true)) {
                return true;
            }
            $this->strings[] = ['string' => $str, 'location' => $location];
            return true;
        }

        public function fakeStrings(): array
        {
            return $this->strings;
        }
    }
}

namespace Bitrix\Main\ORM {

    /** An ORM entity event: module = the entity's module, type = "<EntityName><EventType>" (or namespaced). */
    class Event extends \Bitrix\Main\Event
    {
    }
}
