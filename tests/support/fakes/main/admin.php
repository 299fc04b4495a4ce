<?php
// Fakes of two old-kernel tables the installer writes: b_agent (main/classes/general/agent.php, CAllAgent, whose
// methods are all static; main/classes/mysql/agent.php only adds the runner) and b_admin_notify
// (main/classes/general/admin_notify.php). Their SQL matches a few things loosely, and the fakes match the same way.

use Bitrix\Main\Loader;

/** b_agent, and the runner of due agents (fakeRunAll), which sets $USER to null like the core's. */
class CAgent
{
    private static array $agents = [];
    private static int $nextId = 1;

    public static function fakeReset(): void
    {
        self::$agents = [];
        self::$nextId = 1;
    }

    public static function fakeRows(): array
    {
        return self::$agents;
    }

    /**
     * An agent is known by NAME and USER_ID alone, whatever its module: a second one of that name is refused (false
     * and the application's exception), or with $existError = false the existing one's ID is returned.
     */
    public static function AddAgent($name, $module = '', $period = 'N', $interval = 86400, $datecheck = '', $active = 'Y', $next_exec = '', $sort = 100, $user_id = false, $existError = true)
    {
        foreach (self::$agents as $agent) {
            if ($agent['NAME'] === $name && $agent['USER_ID'] === ($user_id ? (int)$user_id : null)) {
                if (!$existError) {
                    return $agent['ID'];
                }
                $GLOBALS['APPLICATION']->ThrowException('Agent "' . $name . '" already exists.', 'agent_exist');
                return false;
            }
        }
        if (mb_strlen(trim((string)$name)) <= 2) {
            $GLOBALS['APPLICATION']->ThrowException('The agent function name is not set.', 'NAME');
            return false;
        }
        $id = self::$nextId++;
        self::$agents[$id] = [
            'ID' => (string)$id,
            'NAME' => $name,
            'MODULE_ID' => $module,
            'IS_PERIOD' => $period,
            'AGENT_INTERVAL' => (int)$interval,
            'ACTIVE' => $active,
            'SORT' => (int)$sort,
            'USER_ID' => $user_id ? (int)$user_id : null,
            // Unix times here; the real table keeps dates. Without $next_exec the agent is due at once.
            'NEXT_EXEC' => time(),
            'LAST_EXEC' => null,
        ];
        return $id;
    }

    /** DELETE … WHERE NAME = name AND MODULE_ID = module (an empty module: agents without one) AND USER_ID = user. */
    public static function RemoveAgent($name, $module = '', $user_id = false)
    {
        foreach (self::$agents as $id => $agent) {
            if ($agent['NAME'] === $name && (string)$agent['MODULE_ID'] === trim((string)$module)
                && $agent['USER_ID'] === ($user_id ? (int)$user_id : null)) {
                unset(self::$agents[$id]);
            }
        }
    }

    public static function RemoveModuleAgents($module)
    {
        foreach (self::$agents as $id => $agent) {
            if ((string)$module !== '' && $agent['MODULE_ID'] === $module) {
                unset(self::$agents[$id]);
            }
        }
    }

    public static function Delete($id)
    {
        if ((int)$id <= 0) {
            return false;
        }
        unset(self::$agents[(int)$id]);
        return true;
    }

    /** The filters the module uses: NAME (a LIKE pattern, so "_" is any character), =NAME, MODULE_ID, ID, ACTIVE. */
    public static function GetList($arOrder = ['ID' => 'DESC'], $arFilter = [])
    {
        $rows = array_filter(self::$agents, static function (array $agent) use ($arFilter): bool {
            foreach ((array)$arFilter as $key => $value) {
                if ((string)$value === '') {
                    continue;
                }
                $matches = match (strtoupper($key)) {
                    'NAME' => fakeSqlLike((string)$agent['NAME'], (string)$value),
                    '=NAME' => $agent['NAME'] === $value,
                    default => (string)($agent[strtoupper($key)] ?? '') === (string)$value,
                };
                if (!$matches) {
                    return false;
                }
            }
            return true;
        });
        return new CDBResult(array_values($rows));
    }

    /**
     * Runs every active agent once, due or not (main/classes/mysql/agent.php, ExecuteAgents()): the module is included,
     * $USER is null, the global $pPERIOD holds the agent's interval and may be changed by its code, the returned string
     * is the next NAME and the next run is $pPERIOD seconds after this one (after the planned one for IS_PERIOD = Y).
     */
    public static function fakeRunAll(): void
    {
        global $pPERIOD;
        foreach (self::$agents as $id => $agent) {
            if ($agent['ACTIVE'] !== 'Y' || ($agent['MODULE_ID'] !== '' && !Loader::includeModule($agent['MODULE_ID']))) {
                continue;
            }
            $pPERIOD = $agent['AGENT_INTERVAL'];
            $saved = $GLOBALS['USER'] ?? null;
            $GLOBALS['USER'] = null;
            try {
                $eval_result = '';
                eval('$eval_result = ' . $agent['NAME']);
            } finally {
                $GLOBALS['USER'] = $saved;
            }
            if (is_string($eval_result) && $eval_result !== '') {
                self::$agents[$id]['NAME'] = $eval_result;
                $now = time();
                self::$agents[$id]['LAST_EXEC'] = $now;
                self::$agents[$id]['NEXT_EXEC'] = ($agent['IS_PERIOD'] === 'Y' ? $agent['NEXT_EXEC'] : $now) + (int)$pPERIOD;
            } else {
                unset(self::$agents[$id]);
            }
        }
    }
}

/**
 * b_admin_notify: adding a tag again replaces it. The core deletes by tag with TAG LIKE '%tag%', so a tag takes every
 * notice whose tag contains it along; Add() refuses an empty MESSAGE or MODULE_ID and returns the new row's ID.
 */
class CAdminNotify
{
    public const TYPE_NORMAL = 'M';
    public const TYPE_ERROR = 'E';

    private static array $notices = [];
    private static int $nextId = 1;

    public static function fakeReset(): void
    {
        self::$notices = [];
        self::$nextId = 1;
    }

    public static function fakeRows(): array
    {
        return self::$notices;
    }

    public static function Add($arFields)
    {
        if (trim((string)($arFields['MESSAGE'] ?? '')) === '' || (isset($arFields['MODULE_ID']) && trim((string)$arFields['MODULE_ID']) === '')) {
            $GLOBALS['APPLICATION']->ThrowException('The notice has no message or no module.');
            return false;
        }
        $tag = trim((string)($arFields['TAG'] ?? ''));
        if ($tag !== '') {
            self::DeleteByTag($tag);
        }
        $id = self::$nextId++;
        self::$notices[$tag !== '' ? $tag : $id] = ['TAG' => $tag] + $arFields;
        return $id;
    }

    public static function DeleteByTag($tagId)
    {
        if ((string)$tagId === '') {
            return false;
        }
        foreach (self::$notices as $key => $notice) {
            if (fakeSqlLike((string)$notice['TAG'], '%' . $tagId . '%')) {
                unset(self::$notices[$key]);
            }
        }
        return true;
    }

    public static function DeleteByModule($moduleId)
    {
        foreach (self::$notices as $key => $notice) {
            if (($notice['MODULE_ID'] ?? '') === $moduleId) {
                unset(self::$notices[$key]);
            }
        }
        return true;
    }

    public static function GetList($arSort = [], $arFilter = [])
    {
        $rows = array_filter(self::$notices, static fn (array $n) => !isset($arFilter['TAG']) || $n['TAG'] === $arFilter['TAG']);
        return new CDBResult(array_values($rows));
    }
}

/** MySQL's LIKE under the core's case-insensitive collation: "%" is any run of characters, "_" any one. */
function fakeSqlLike(string $value, string $pattern): bool
{
    $regex = '';
    foreach (preg_split('/([%_])/', $pattern, -1, PREG_SPLIT_DELIM_CAPTURE) as $part) {
        $regex .= match ($part) {
            '%' => '.*',
            '_' => '.',
            default => preg_quote($part, '/'),
        };
    }
    return preg_match('/^' . $regex . '$/isu', $value) === 1;
}
