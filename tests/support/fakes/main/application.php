<?php
// The application of a hit (main/lib/application.php, context.php; its connection in main/db.php) and the old kernel's $APPLICATION
// (main/classes/general/main.php, whose IncludeComponent() runs components; applicationexception.php).

namespace Bitrix\Main {

    class Application
    {
        private static ?Application $instance = null;
        private static string $documentRoot = '';
        private static ?DB\Connection $connection = null;
        private ?Context $context = null;

        public static function getInstance()
        {
            return self::$instance ??= new self();
        }

        public static function fakeReset(string $documentRoot): void
        {
            self::$instance = null;
            self::$documentRoot = $documentRoot;
            self::$connection = null;
            DB\Connection::fakeReset();
        }

        /** The hit's one connection (the default of bitrix/.settings.php). */
        public static function getConnection($name = '')
        {
            return self::$connection ??= new DB\Connection();
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
}

namespace {

    class CApplicationException
    {
        public function __construct(private $msg, private $id = false)
        {
        }

        public function GetString()
        {
            return $this->msg;
        }

        public function GetID()
        {
            return $this->id;
        }
    }

    class CMain
    {
        private ?CApplicationException $exception = null;
        /**
         * Component name => its class. A class is declared once per process, while every fake shop has its own document
         * root holding a copy of the same class.php.
         *
         * @var array<string, string>
         */
        private static array $componentClasses = [];

        /** Finds "<namespace>:<name>" under local/components, then bitrix/components, and runs it. */
        public function IncludeComponent($componentName, $componentTemplate, $arParams = [], $parentComponent = null, $arFunctionParams = [], $returnResult = false)
        {
            [$namespace, $name] = explode(':', (string)$componentName, 2);
            $path = \Bitrix\Main\Loader::getLocal('components/' . $namespace . '/' . $name);
            if ($path === false) {
                return null;
            }
            if (!isset(self::$componentClasses[$componentName])) {
                $before = get_declared_classes();
                require_once $path . '/class.php';
                $declared = array_filter(array_diff(get_declared_classes(), $before), static fn ($c) => is_subclass_of($c, CBitrixComponent::class));
                self::$componentClasses[$componentName] = (string)reset($declared);
            }
            $component = new (self::$componentClasses[$componentName])();
            $component->fakeInit((string)$componentName, (string)$componentTemplate, $path);
            $component->arParams = $component->onPrepareComponentParams((array)$arParams);
            $result = $component->executeComponent();
            return $returnResult ? $component->arResult : $result;
        }

        public function ThrowException($msg, $id = false)
        {
            $this->exception = $msg instanceof CApplicationException ? $msg : new CApplicationException($msg, $id);
        }

        public function GetException()
        {
            return $this->exception;
        }

        public function ResetException()
        {
            $this->exception = null;
        }
    }
}
