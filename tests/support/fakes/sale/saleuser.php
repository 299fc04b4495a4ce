<?php
// The old kernel's shopper helpers (sale/general/basket.php, class CAllSaleUser; CSaleUser in sale/mysql/basket.php).

class CSaleUser
{
    /**
     * The shared buyer of orders placed without an account: read from the option sale/anonymous_user_id, made on
     * first use as an inactive user with EXTERNAL_AUTH_ID "saleanonymous" and a placeholder e-mail (through
     * DoAutoRegisterUser → CUser::Add, so OnAfterUserAdd fires for it), and remembered in the option.
     */
    public static function GetAnonymousUserID()
    {
        $id = (int)COption::GetOptionInt('sale', 'anonymous_user_id', 0);
        if ($id > 0 && CUser::GetByID($id)->Fetch()) {
            return $id;
        }
        $email = 'anonymous_' . substr(bin2hex(random_bytes(5)), 0, 9) . '@example.com';
        $errors = [];
        $id = (int)self::DoAutoRegisterUser($email, ['NAME' => 'Anonymous buyer'], SITE_ID, $errors, ['ACTIVE' => 'N', 'EXTERNAL_AUTH_ID' => 'saleanonymous']);
        if ($id > 0) {
            COption::SetOptionInt('sale', 'anonymous_user_id', $id);
        }
        return $id;
    }

    /** A user made for a buyer: login from the e-mail, active unless told otherwise, other fields passed through. */
    public static function DoAutoRegisterUser($autoEmail, $payerName, $siteId, &$arErrors, $arOtherFields = null)
    {
        $fields = [
            'LOGIN' => str_pad(substr(strstr((string)$autoEmail, '@', true) ?: 'buyer', 0, 47), 3, '_'),
            'PASSWORD' => 'generated-1',
            'PASSWORD_CONFIRM' => 'generated-1',
            'LID' => $siteId,
            'EMAIL' => $autoEmail,
            'ACTIVE' => ($arOtherFields['ACTIVE'] ?? 'Y') === 'N' ? 'N' : 'Y',
        ];
        if (is_array($payerName)) {
            $fields += array_filter(array_intersect_key($payerName, array_flip(['NAME', 'LAST_NAME', 'SECOND_NAME'])));
        }
        $fields += (array)$arOtherFields;
        $user = new CUser();
        $id = $user->Add($fields);
        if (!$id) {
            $arErrors[] = ['TEXT' => $user->LAST_ERROR];
            return 0;
        }
        return $id;
    }
}
