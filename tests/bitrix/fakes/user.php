<?php
// CUser (bitrix.md 3.3, 4.6): the user events with their real argument lists, ids as strings like the database
// gives them, and the current user kept per fake "session".

class CAllUser extends CDBResult
{
}

class CUser extends CAllUser
{
    public $LAST_ERROR = '';

    /** b_user rows by id; every value a string, as the database returns them. */
    private static array $users = [];
    private static int $nextId = 1;
    private static ?string $sessionUserId = null;

    public function __construct()
    {
        parent::__construct([]);
    }

    public static function fakeReset(): void
    {
        self::$users = [];
        self::$nextId = 1;
        self::$sessionUserId = null;
    }

    public static function fakeRow(int $id): ?array
    {
        return self::$users[$id] ?? null;
    }

    /** Fires OnAfterUserAdd after every attempt: RESULT is the new id or false, ID is set on success. */
    public function Add($arFields)
    {
        $login = trim((string)($arFields['LOGIN'] ?? ''));
        $taken = in_array($login, array_column(self::$users, 'LOGIN'), true);
        if ($login === '' || $taken) {
            $this->LAST_ERROR = $login === '' ? 'Login is empty.' : 'A user with this login already exists.';
            $arFields['RESULT'] = false;
            $arFields['RESULT_MESSAGE'] = $this->LAST_ERROR;
            $id = false;
        } else {
            $id = self::$nextId++;
            self::$users[$id] = array_map('strval', ['ID' => $id, 'ACTIVE' => 'Y'] + array_filter($arFields, 'is_scalar'));
            $arFields['ID'] = $id;
            $arFields['RESULT'] = $id;
        }
        foreach (GetModuleEvents('main', 'OnAfterUserAdd', true) as $arEvent) {
            ExecuteModuleEventEx($arEvent, [&$arFields]);
        }
        return $id;
    }

    /**
     * CUser::Register: Add() (so OnAfterUserAdd first), then OnAfterUserRegister, which fires even on failure;
     * USER_ID only on success.
     */
    public function Register($USER_LOGIN, $USER_NAME, $USER_LAST_NAME, $USER_PASSWORD, $USER_CONFIRM_PASSWORD, $USER_EMAIL, $SITE_ID = false, $captcha_word = '', $captcha_sid = 0, $bSkipConfirm = false, $USER_PHONE_NUMBER = '')
    {
        $arFields = [
            'LOGIN' => $USER_LOGIN,
            'NAME' => $USER_NAME,
            'LAST_NAME' => $USER_LAST_NAME,
            'PASSWORD' => $USER_PASSWORD,
            'CONFIRM_PASSWORD' => $USER_CONFIRM_PASSWORD,
            'EMAIL' => $USER_EMAIL,
            'PHONE_NUMBER' => $USER_PHONE_NUMBER,
            'ACTIVE' => 'Y',
            'SITE_ID' => $SITE_ID === false ? (defined('SITE_ID') ? SITE_ID : 's1') : $SITE_ID,
            'LID' => $SITE_ID === false ? (defined('SITE_ID') ? SITE_ID : 's1') : $SITE_ID,
            'USER_IP' => '127.0.0.1',
            'GROUP_ID' => [],
        ];
        $id = $USER_PASSWORD === $USER_CONFIRM_PASSWORD ? $this->Add($arFields) : false;
        if ($id) {
            $arFields['USER_ID'] = $id;
            $arFields['RESULT_MESSAGE'] = ['MESSAGE' => 'Registered.', 'TYPE' => 'OK', 'ID' => $id];
        } else {
            $arFields['RESULT_MESSAGE'] = ['MESSAGE' => $this->LAST_ERROR ?: 'Passwords do not match.', 'TYPE' => 'ERROR'];
        }
        foreach (GetModuleEvents('main', 'OnAfterUserRegister', true) as $arEvent) {
            ExecuteModuleEventEx($arEvent, [&$arFields]);
        }
        return $arFields['RESULT_MESSAGE'];
    }

    /** OnAfterUserUpdate gets ID, RESULT and only the fields passed in. */
    public function Update($ID, $arFields, $authActions = true)
    {
        $ID = (int)$ID;
        $result = isset(self::$users[$ID]);
        if ($result) {
            self::$users[$ID] = array_merge(self::$users[$ID], array_map('strval', array_filter($arFields, 'is_scalar')));
        } else {
            $this->LAST_ERROR = 'User not found.';
        }
        $arFields['ID'] = $ID;
        $arFields['RESULT'] = $result;
        foreach (GetModuleEvents('main', 'OnAfterUserUpdate', true) as $arEvent) {
            ExecuteModuleEventEx($arEvent, [&$arFields]);
        }
        return $result;
    }

    public function Authorize($id, $bSave = false, $bUpdate = true, $applicationId = null)
    {
        $row = self::$users[(int)$id] ?? null;
        if ($row === null) {
            return false;
        }
        self::$sessionUserId = $row['ID'];
        $arParams = ['user_fields' => $row, 'save' => $bSave, 'update' => $bUpdate, 'applicationId' => $applicationId];
        foreach (GetModuleEvents('main', 'OnAfterUserAuthorize', true) as $arEvent) {
            ExecuteModuleEventEx($arEvent, [$arParams]);
        }
        return true;
    }

    public function Logout()
    {
        self::$sessionUserId = null;
    }

    public function IsAuthorized()
    {
        return self::$sessionUserId !== null;
    }

    /** A string (from the session), null for a guest. */
    public function GetID()
    {
        return self::$sessionUserId;
    }

    public function GetLogin()
    {
        return $this->field('LOGIN');
    }

    public function GetEmail()
    {
        return $this->field('EMAIL');
    }

    public function GetFirstName()
    {
        return $this->field('NAME');
    }

    public function GetLastName()
    {
        return $this->field('LAST_NAME');
    }

    public function GetFullName()
    {
        return trim($this->field('NAME') . ' ' . $this->field('LAST_NAME'));
    }

    public function IsAdmin()
    {
        return $this->field('ADMIN') === 'Y';
    }

    public static function GetByID($ID)
    {
        $row = self::$users[(int)$ID] ?? null;
        return new CDBResult($row === null ? [] : [$row]);
    }

    private function field(string $name): string
    {
        return self::$sessionUserId === null ? '' : (string)(self::$users[(int)self::$sessionUserId][$name] ?? '');
    }
}
