<?php
// The subscribe module's CSubscription (bitrix.md 3.4): Add() runs CheckFields, which fires OnStartSubscriptionAdd,
// checks the fields, and fires OnBeforeSubscriptionAdd whether the checks passed or not; a handler returning false
// vetoes. There is no event after the row is written.

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
        self::$rows[$id] = ['ID' => (string)$id] + array_map('strval', array_filter($arFields, 'is_scalar'));
        return $id;
    }

    public function CheckFields(&$arFields, $ID, $SITE_ID = SITE_ID)
    {
        global $APPLICATION;
        foreach (GetModuleEvents('subscribe', 'OnStartSubscriptionAdd', true) as $arEvent) {
            ExecuteModuleEventEx($arEvent, [&$arFields, $SITE_ID]);
        }
        $errors = [];
        $email = (string)($arFields['EMAIL'] ?? '');
        if ($email === '' || filter_var($email, FILTER_VALIDATE_EMAIL) === false) {
            $errors[] = 'Wrong e-mail address.';
        } elseif (self::GetByEmail($email)->Fetch()) {
            $errors[] = 'This address is already subscribed.';
        }
        foreach (GetModuleEvents('subscribe', 'OnBeforeSubscriptionAdd', true) as $arEvent) {
            if (ExecuteModuleEventEx($arEvent, [&$arFields, $SITE_ID]) === false) {
                $errors[] = $APPLICATION->GetException()?->GetString() ?? 'Unknown error.';
                break;
            }
        }
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
