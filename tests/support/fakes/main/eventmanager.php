<?php
// Event handlers (main/lib/eventmanager.php; the old kernel's functions for them in main/classes/general/module.php).

namespace Bitrix\Main {

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
}

namespace {

    use Bitrix\Main\EventManager;

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
}
