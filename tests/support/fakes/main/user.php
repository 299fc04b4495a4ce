<?php
// CUser (main/classes/general/user.php): the user events with their real argument lists, ids as strings like the
// database gives them, and the current user kept per fake "session".

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

    /** A customer who registered before the module was installed: a row in b_user, no events now. */
    public static function fakeExisting(array $fields): int
    {
        $id = self::$nextId++;
        self::$users[$id] = array_map('strval', ['ID' => $id] + $fields + ['ACTIVE' => 'Y']);
        return $id;
    }

    /**
     * Drops rows of b_user without an event, unlike Delete(): the benchmark's history keeps only the page being read in
     * the fake core (bench/history/shop.php), a million records being too many to hold.
     *
     * @param list<int> $ids
     */
    public static function fakeForget(array $ids): void
    {
        foreach ($ids as $id) {
            unset(self::$users[$id]);
        }
    }

    public static function fakeRow(int $id): ?array
    {
        return self::$users[$id] ?? null;
    }

    /** @return array<int, array> b_user, by id: what UserTable reads */
    public static function fakeRows(): array
    {
        return self::$users;
    }

    /**
     * CUser::Add (main/classes/general/user.php): OnBeforeUserAdd sees the fields as given (a false return vetoes);
     * on success ACTIVE becomes "Y" unless it was given as something else ("N"), and OnAfterUserAdd, which fires
     * after every attempt, carries ID and RESULT (the new id); on failure RESULT is false with RESULT_MESSAGE.
     */
    public function Add($arFields)
    {
        global $APPLICATION;
        $login = trim((string)($arFields['LOGIN'] ?? ''));
        $errors = [];
        if ($login === '') {
            $errors[] = 'Login is empty.';
        } elseif (in_array($login, array_column(self::$users, 'LOGIN'), true)) {
            $errors[] = 'A user with this login already exists.';
        }
        foreach (GetModuleEvents('main', 'OnBeforeUserAdd', true) as $arEvent) {
            if (ExecuteModuleEventEx($arEvent, [&$arFields]) === false) {
                $errors[] = $APPLICATION?->GetException()?->GetString() ?? 'Unknown error.';
                break;
            }
        }
        $this->LAST_ERROR = implode('<br>', $errors);
        if ($errors !== []) {
            $arFields['RESULT'] = false;
            $arFields['RESULT_MESSAGE'] = $this->LAST_ERROR;
            $id = false;
        } else {
            unset($arFields['ID']);
            $arFields['ACTIVE'] = isset($arFields['ACTIVE']) && $arFields['ACTIVE'] != 'Y' ? 'N' : 'Y';
            $id = self::$nextId++;
            self::$users[$id] = array_map('strval', ['ID' => $id] + array_filter($arFields, 'is_scalar'));
            $arFields['ID'] = $id;
            $arFields['RESULT'] = $id;
        }
        foreach (GetModuleEvents('main', 'OnAfterUserAdd', true) as $arEvent) {
            ExecuteModuleEventEx($arEvent, [&$arFields]);
        }
        return $id;
    }

    /**
     * CUser::Register: with e-mail confirmation on (main/new_user_registration_email_confirmation) the user is
     * added inactive with a CONFIRM_CODE and not logged in; an active one is logged in (OnAfterUserAuthorize) before
     * OnAfterUserRegister, which fires even on failure; USER_ID only on success.
     */
    public function Register($USER_LOGIN, $USER_NAME, $USER_LAST_NAME, $USER_PASSWORD, $USER_CONFIRM_PASSWORD, $USER_EMAIL, $SITE_ID = false, $captcha_word = '', $captcha_sid = 0, $bSkipConfirm = false, $USER_PHONE_NUMBER = '')
    {
        $confirm = !$bSkipConfirm && COption::GetOptionString('main', 'new_user_registration_email_confirmation', 'N') === 'Y';
        $site = $SITE_ID === false ? (defined('SITE_ID') ? SITE_ID : 's1') : $SITE_ID;
        $arFields = [
            'LOGIN' => $USER_LOGIN,
            'NAME' => $USER_NAME,
            'LAST_NAME' => $USER_LAST_NAME,
            'PASSWORD' => $USER_PASSWORD,
            'CONFIRM_PASSWORD' => $USER_CONFIRM_PASSWORD,
            'EMAIL' => $USER_EMAIL,
            'PHONE_NUMBER' => $USER_PHONE_NUMBER,
            'ACTIVE' => $confirm ? 'N' : 'Y',
            'CONFIRM_CODE' => $confirm ? substr(md5($USER_LOGIN), 0, 8) : '',
            'SITE_ID' => $site,
            'LID' => $site,
            'USER_IP' => '127.0.0.1',
            'GROUP_ID' => [],
        ];
        $id = $USER_PASSWORD === $USER_CONFIRM_PASSWORD ? $this->Add($arFields) : false;
        if ($id) {
            $arFields['USER_ID'] = $id;
            $arFields['RESULT_MESSAGE'] = ['MESSAGE' => 'Registered.', 'TYPE' => 'OK', 'ID' => $id];
            if ($arFields['ACTIVE'] === 'Y') {
                $this->Authorize($id);
            }
        } else {
            $arFields['RESULT_MESSAGE'] = ['MESSAGE' => $this->LAST_ERROR ?: 'Passwords do not match.', 'TYPE' => 'ERROR'];
        }
        foreach (GetModuleEvents('main', 'OnAfterUserRegister', true) as $arEvent) {
            ExecuteModuleEventEx($arEvent, [&$arFields]);
        }
        return $arFields['RESULT_MESSAGE'];
    }

    /**
     * CUser::Update: OnBeforeUserUpdate gets the fields passed in plus ID (a false return vetoes); OnAfterUserUpdate
     * gets them with ID, RESULT and, on success, CHECKWORD; never the rest of the user's row.
     */
    public function Update($ID, $arFields, $authActions = true)
    {
        global $APPLICATION;
        $ID = (int)$ID;
        $arFields['ID'] = $ID;
        $result = isset(self::$users[$ID]);
        if (!$result) {
            $this->LAST_ERROR = 'User not found.';
        }
        foreach (GetModuleEvents('main', 'OnBeforeUserUpdate', true) as $arEvent) {
            if (ExecuteModuleEventEx($arEvent, [&$arFields]) === false) {
                $this->LAST_ERROR = $APPLICATION?->GetException()?->GetString() ?? 'Unknown error.';
                $result = false;
                break;
            }
        }
        unset($arFields['ID']);
        if ($result) {
            if (isset($arFields['ACTIVE'])) {
                $arFields['ACTIVE'] = $arFields['ACTIVE'] != 'Y' ? 'N' : 'Y';
            }
            self::$users[$ID] = array_merge(self::$users[$ID], array_map('strval', array_filter($arFields, 'is_scalar')));
            $arFields['CHECKWORD'] = '';
        } else {
            $arFields['RESULT_MESSAGE'] = $this->LAST_ERROR;
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
        // Only an active user can be logged in (UpdateSessionData selects ACTIVE = 'Y').
        $row = self::$users[(int)$id] ?? null;
        if ($row === null || $row['ACTIVE'] !== 'Y') {
            return false;
        }
        self::$sessionUserId = $row['ID'];
        $arParams = ['user_fields' => $row, 'save' => $bSave, 'update' => $bUpdate, 'applicationId' => $applicationId];
        foreach (GetModuleEvents('main', 'OnAfterUserAuthorize', true) as $arEvent) {
            ExecuteModuleEventEx($arEvent, [$arParams]);
        }
        // The sale module's log-in handler (CSaleUser::OnUserLogin): the browser's basket now belongs to the user.
        if (class_exists(\Bitrix\Sale\Fuser::class)) {
            \Bitrix\Sale\Fuser::fakeAttachUser((int)\Bitrix\Sale\Fuser::getId(), (int)$row['ID']);
        }
        return true;
    }

    /** The user logged in in the current browser's session (null: a guest), for a hit of another browser. */
    public static function fakeSessionUser(): ?string
    {
        return self::$sessionUserId;
    }

    /** Another browser's session, in which $userId logged in before this hit (no event), or a guest's (null). */
    public static function fakeSetSessionUser(?int $userId): void
    {
        self::$sessionUserId = $userId === null ? null : (string)$userId;
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
