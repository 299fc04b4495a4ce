<?php
// The database connection of a hit (main/lib/db/connection.php, mysqlcommonconnection.php) as far as the module uses
// it: the global named lock (MySQL's GET_LOCK, held by the connection until released or closed) and the query tracker
// (main/lib/diag/sqltracker.php, sqltrackerquery.php) that counts what the core asks the database. The fake core runs
// no SQL: each fake of a core method that queries the database records what it asks here (fakeQuery), so that a test
// can count the queries of a piece of work as the real tracker would.

namespace Bitrix\Main\DB {

    use Bitrix\Main\Diag\SqlTracker;

    class Connection
    {
        private ?SqlTracker $tracker = null;
        private bool $tracking = false;
        /** @var array<string, int> lock name => times this connection took it (GET_LOCK nests in MySQL 5.7+) */
        private array $locks = [];
        /** @var array<string, true> names another connection (another process or node) holds */
        private static array $heldElsewhere = [];

        public static function fakeReset(): void
        {
            self::$heldElsewhere = [];
        }

        /** Another process holds (or, with false, released) the lock: GET_LOCK here would wait for it. */
        public static function fakeHoldElsewhere(string $name, bool $held = true): void
        {
            if ($held) {
                self::$heldElsewhere[$name] = true;
            } else {
                unset(self::$heldElsewhere[$name]);
            }
        }

        /** What a fake of a core method calls for each query the real method sends. */
        public function fakeQuery(string $sql): void
        {
            if ($this->tracking) {
                $this->tracker->getNewTrackerQuery()->setSql($sql);
            }
        }

        /** @return bool false when another connection holds it (the fake never waits: it answers as a timeout would) */
        public function lock($name, $timeout = 0)
        {
            $this->fakeQuery("SELECT GET_LOCK('$name', $timeout)");
            if (isset(self::$heldElsewhere[(string)$name])) {
                return false;
            }
            $this->locks[(string)$name] = ($this->locks[(string)$name] ?? 0) + 1;
            return true;
        }

        /** @return bool false when this connection did not hold it */
        public function unlock($name)
        {
            $this->fakeQuery("SELECT RELEASE_LOCK('$name')");
            if (!isset($this->locks[(string)$name])) {
                return false;
            }
            if (--$this->locks[(string)$name] === 0) {
                unset($this->locks[(string)$name]);
            }
            return true;
        }

        public function startTracker($reset = false)
        {
            $this->tracker ??= new SqlTracker();
            if ($reset) {
                $this->tracker->reset();
            }
            $this->tracking = true;
            return $this->tracker;
        }

        public function stopTracker()
        {
            $this->tracking = false;
        }

        public function getTracker()
        {
            return $this->tracker;
        }
    }
}

namespace Bitrix\Main\Diag {

    class SqlTracker implements \IteratorAggregate
    {
        /** @var list<SqlTrackerQuery> */
        private array $queries = [];

        public function reset()
        {
            $this->queries = [];
        }

        public function getNewTrackerQuery()
        {
            return $this->queries[] = new SqlTrackerQuery();
        }

        public function getCounter()
        {
            return count($this->queries);
        }

        public function getQueries()
        {
            return $this->queries;
        }

        public function getIterator(): \Iterator
        {
            return new \ArrayIterator($this->queries);
        }
    }

    class SqlTrackerQuery
    {
        private string $sql = '';

        public function getSql()
        {
            return $this->sql;
        }

        public function setSql($sql)
        {
            $this->sql = (string)$sql;
        }
    }
}
