<?php
// Events (main/lib/event.php, eventresult.php; main/lib/orm/event.php for the events of an ORM entity): an event
// carries its module, type and parameters, is sent through the EventManager and keeps what its handlers returned.

namespace Bitrix\Main {

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
}

namespace Bitrix\Main\ORM {

    /** An ORM entity event: module = the entity's module, type = "<EntityName><EventType>" (or namespaced). */
    class Event extends \Bitrix\Main\Event
    {
    }
}
