<?php
// Results and errors (main/lib/result.php, error.php, exception.php, db/result.php; the old kernel's CDBResult of
// main/classes/general/database.php).

namespace Bitrix\Main {

    class SystemException extends \Exception
    {
    }

    class ArgumentNullException extends SystemException
    {
    }

    class ArgumentOutOfRangeException extends SystemException
    {
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

        /** @param Error[] $errors */
        public function addErrors(array $errors)
        {
            array_map([$this, 'addError'], $errors);
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
}

namespace Bitrix\Main\DB {

    /** A query result: rows fetched one by one; with count_total, the count of every row the query's filter passed. */
    class Result
    {
        public function __construct(private array $rows = [], private ?int $count = null)
        {
        }

        /** Without count_total in the query there is no count (an ObjectPropertyException in the core). */
        public function getCount()
        {
            if ($this->count === null) {
                throw new \Bitrix\Main\SystemException('count');
            }
            return $this->count;
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

namespace {

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
}
