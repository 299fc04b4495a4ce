<?php
// The subscribe module's CSubscription (subscribe/classes/general/subscription.php). Add() and
// Update() run CheckFields, which fires OnStart…/OnBeforeSubscription{Add,Update} with (&$arFields, $SITE_ID) whether
// the checks passed or not (for an update the fields passed in plus ID, e.g. only ACTIVE for an unsubscription); a
// false return vetoes. No event follows the write. Delete() fires OnBeforeSubscriptionDelete($ID) (false vetoes)
// and OnAfterSubscriptionDelete($ID), with no e-mail: the row is gone by then.

class CSubscription
{
    public $LAST_ERROR = '';
    private static array $rows = [];
    private static int $nextId = 1;

    public static function fakeReset(): void
    {
        self::$rows = [];
        self::$nextId = 1;
    }

    public function Add($arFields, $SITE_ID = SITE_ID)
    {
        if (!$this->CheckFields($arFields, 0, $SITE_ID)) {
            return false;
        }
        $id = self::$nextId++;
        self::$rows[$id] = ['ID' => (string)$id, 'ACTIVE' => 'Y'] + array_map('strval', array_filter($arFields, 'is_scalar'));
        return $id;
    }

    public function Update($ID, $arFields, $SITE_ID = SITE_ID)
    {
        $ID = (int)$ID;
        if (!$this->CheckFields($arFields, $ID, $SITE_ID)) {
            return false;
        }
        if (!isset(self::$rows[$ID])) {
            $this->LAST_ERROR = 'Subscription not found.';
            return false;
        }
        self::$rows[$ID] = array_merge(self::$rows[$ID], array_map('strval', array_filter($arFields, 'is_scalar')));
        return true;
    }

    public static function Delete($ID)
    {
        $ID = (int)$ID;
        foreach (GetModuleEvents('subscribe', 'OnBeforeSubscriptionDelete', true) as $arEvent) {
            if (ExecuteModuleEventEx($arEvent, [$ID]) === false) {
                return false;
            }
        }
        if (!isset(self::$rows[$ID])) {
            return false;
        }
        unset(self::$rows[$ID]);
        foreach (GetModuleEvents('subscribe', 'OnAfterSubscriptionDelete', true) as $arEvent) {
            ExecuteModuleEventEx($arEvent, [$ID]);
        }
        return true;
    }

    public function CheckFields(&$arFields, $ID, $SITE_ID = SITE_ID)
    {
        global $APPLICATION;
        $kind = $ID > 0 ? 'Update' : 'Add';
        if ($ID > 0) {
            $arFields['ID'] = $ID;
        }
        foreach (GetModuleEvents('subscribe', 'OnStartSubscription' . $kind, true) as $arEvent) {
            if (ExecuteModuleEventEx($arEvent, [&$arFields, $SITE_ID]) === false) {
                break;
            }
        }
        $errors = [];
        if ($ID === 0 || array_key_exists('EMAIL', $arFields)) {
            $email = (string)($arFields['EMAIL'] ?? '');
            if ($email === '' || filter_var($email, FILTER_VALIDATE_EMAIL) === false) {
                $errors[] = 'Wrong e-mail address.';
            } elseif (array_filter(self::$rows, static fn (array $row) => $row['EMAIL'] === $email && (int)$row['ID'] !== (int)$ID) !== []) {
                $errors[] = 'This address is already subscribed.';
            }
        }
        foreach (GetModuleEvents('subscribe', 'OnBeforeSubscription' . $kind, true) as $arEvent) {
            if (ExecuteModuleEventEx($arEvent, [&$arFields, $SITE_ID]) === false) {
                $errors[] = $APPLICATION->GetException()?->GetString() ?? 'Unknown error.';
                break;
            }
        }
        unset($arFields['ID']);
        $this->LAST_ERROR = implode(' ', $errors);
        return $errors === [];
    }

    public static function GetByEmail($email, $user_id = false)
    {
        return new CDBResult(array_values(array_filter(self::$rows, static fn (array $row) => $row['EMAIL'] === $email)));
    }

    public static function GetByID($ID)
    {
        return new CDBResult(isset(self::$rows[(int)$ID]) ? [self::$rows[(int)$ID]] : []);
    }
}
