<?php
// Fakes of the old-kernel globals (bitrix.md sections 1.1, 2.1, 3.3, 4.4, 4.6, 4.7, 4.9).

use Bitrix\Main\EventManager;
use Bitrix\Main\ModuleManager;

class CDBResult
{
    public function __construct(private array $rows = [])
    {
    }

    public function Fetch()
    {
        return array_shift($this->rows) ?? false;
    }

    public function SelectedRowsCount()
    {
        return count($this->rows);
    }
}

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

/** Old-kernel dispatch: positional values whatever the VERSION, references kept (e.g. [&$arFields]). */
function GetModuleEvents($MODULE_ID, $MESSAGE_ID, $bReturnArray = false)
{
    $handlers = EventManager::getInstance()->findEventHandlers($MODULE_ID, $MESSAGE_ID);
    return $bReturnArray ? $handlers : new CDBResult($handlers);
}

function ExecuteModuleEventEx($arEvent, $arParams = [])
{
    return EventManager::fakeCall($arEvent, $arParams);
}

function RegisterModule($id)
{
    ModuleManager::registerModule($id);
}

function UnRegisterModule($id)
{
    ModuleManager::unRegisterModule($id);
}

function RegisterModuleDependences($FROM_MODULE_ID, $MESSAGE_ID, $TO_MODULE_ID, $TO_CLASS = '', $TO_METHOD = '', $SORT = 100, $TO_PATH = '', $TO_METHOD_ARG = [])
{
    EventManager::getInstance()->registerEventHandlerCompatible($FROM_MODULE_ID, $MESSAGE_ID, $TO_MODULE_ID, $TO_CLASS, $TO_METHOD, $SORT, $TO_PATH, $TO_METHOD_ARG);
}

function UnRegisterModuleDependences($FROM_MODULE_ID, $MESSAGE_ID, $TO_MODULE_ID, $TO_CLASS = '', $TO_METHOD = '', $TO_PATH = '', $TO_METHOD_ARG = [])
{
    EventManager::getInstance()->unRegisterEventHandler($FROM_MODULE_ID, $MESSAGE_ID, $TO_MODULE_ID, $TO_CLASS, $TO_METHOD, $TO_PATH, $TO_METHOD_ARG);
}

function AddEventHandler($FROM_MODULE_ID, $MESSAGE_ID, $CALLBACK, $SORT = 100, $FULL_PATH = false)
{
    return EventManager::getInstance()->addEventHandlerCompatible($FROM_MODULE_ID, $MESSAGE_ID, $CALLBACK, $FULL_PATH, $SORT);
}

function htmlspecialcharsbx($string, $flags = ENT_COMPAT, $doubleEncode = true)
{
    return htmlspecialchars((string)$string, $flags, 'UTF-8', $doubleEncode);
}

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

class CEventLog
{
    public const SEVERITY_SECURITY = 1;
    public const SEVERITY_ERROR = 2;
    public const SEVERITY_WARNING = 3;
    public const SEVERITY_INFO = 4;
    public const SEVERITY_DEBUG = 5;

    private static array $entries = [];

    public static function fakeReset(): void
    {
        self::$entries = [];
    }

    public static function fakeEntries(): array
    {
        return self::$entries;
    }

    /**
     * main/classes/general/event_log.php: SEVERITY must be one of the names (anything else is stored as UNKNOWN),
     * empty ids become UNKNOWN.
     */
    public static function Add($arFields)
    {
        if (!in_array($arFields['SEVERITY'] ?? null, ['SECURITY', 'ERROR', 'WARNING', 'INFO', 'DEBUG'], true)) {
            $arFields['SEVERITY'] = 'UNKNOWN';
        }
        // Read unguarded, as the core does: a missing SITE_ID is a warning.
        $arFields['SITE_ID'] = $arFields['SITE_ID'] ?: false;
        foreach (['AUDIT_TYPE_ID', 'MODULE_ID', 'ITEM_ID'] as $name) {
            if ((string)($arFields[$name] ?? '') === '') {
                $arFields[$name] = 'UNKNOWN';
            }
        }
        self::$entries[] = $arFields;
        return count(self::$entries);
    }

    /** The audit types the admin's filter lists: each OnEventLogGetAuditTypes handler, called without arguments. */
    public static function GetEventTypes()
    {
        $types = ['USER_AUTHORIZE' => '[USER_AUTHORIZE] Logged in'];
        foreach (GetModuleEvents('main', 'OnEventLogGetAuditTypes', true) as $arEvent) {
            $handlerTypes = ExecuteModuleEventEx($arEvent);
            if (is_array($handlerTypes)) {
                $types = array_merge($handlerTypes, $types);
            }
        }
        ksort($types);
        return $types;
    }

    public static function Log($SEVERITY, $AUDIT_TYPE_ID, $MODULE_ID, $ITEM_ID, $DESCRIPTION = false, $SITE_ID = false)
    {
        return self::Add(compact('SEVERITY', 'AUDIT_TYPE_ID', 'MODULE_ID', 'ITEM_ID', 'DESCRIPTION', 'SITE_ID'));
    }
}

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

/**
 * A component (bitrix.md 1.9; core main/classes/general/component.php): arParams and arResult, a template found in
 * the component's templates/<name or .default>/template.php with its lang file loaded, and $arResult, $arParams,
 * $component and $templateFolder in the template's scope.
 */
class CBitrixComponent
{
    public $arParams = [];
    public $arResult = [];
    private string $fakeName = '';
    private string $fakeTemplateName = '';
    private string $fakePath = '';

    public function fakeInit(string $name, string $templateName, string $path): void
    {
        $this->fakeName = $name;
        $this->fakeTemplateName = $templateName;
        $this->fakePath = $path;
    }

    public function onPrepareComponentParams($arParams)
    {
        return $arParams;
    }

    public function executeComponent()
    {
        $this->includeComponentTemplate();
    }

    public function includeComponentTemplate($templatePage = '')
    {
        $templateName = $this->fakeTemplateName !== '' ? $this->fakeTemplateName : '.default';
        $templateFolder = $this->fakePath . '/templates/' . $templateName;
        $file = $templateFolder . '/' . ($templatePage !== '' ? $templatePage : 'template') . '.php';
        \Bitrix\Main\Localization\Loc::loadMessages($file);
        (static function (string $file, array $arParams, array $arResult, CBitrixComponent $component, string $templateFolder): void {
            include $file;
        })($file, $this->arParams, $this->arResult, $this, $templateFolder);
    }

    public function getName()
    {
        return $this->fakeName;
    }

    public function getTemplateName()
    {
        return $this->fakeTemplateName;
    }

    public function getPath()
    {
        return $this->fakePath;
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
