<?php

namespace Rustbox\Mindbox\Support;

use Bitrix\Main\Application;

/**
 * A named lock of the site's database (GET_LOCK on MySQL), which keeps two processes, on any node, out of the same
 * work, and which the database releases when the process holding it dies, however it dies.
 */
final class DatabaseLock
{
    /** @return bool false, at once and without running $work, when another connection holds the lock */
    public static function run(string $name, callable $work): bool
    {
        $connection = Application::getConnection();
        if (!$connection->lock($name)) {
            return false;
        }
        try {
            $work();
        } finally {
            $connection->unlock($name);
        }
        return true;
    }
}
