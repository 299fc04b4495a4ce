<?php
// Tables of main the module reads through the ORM: b_lang (main/lib/site.php) and b_user with the kinds of users
// (main/lib/user.php).

namespace Bitrix\Main {

    /**
     * b_user through the ORM: getList() over CUser's rows (user.php), the dates as Type objects (the old kernel's rows
     * hold them in the site's format), the phone a user logs in with as the reference PHONE_AUTH.PHONE_NUMBER. The
     * technical kinds of users are a fixed list; no event extends it.
     */
    class UserTable
    {
        private const FIELDS = ['ID', 'LOGIN', 'EMAIL', 'ACTIVE', 'BLOCKED', 'DATE_REGISTER', 'NAME', 'SECOND_NAME', 'LAST_NAME',
            'EXTERNAL_AUTH_ID', 'XML_ID', 'CONFIRM_CODE', 'LID', 'PERSONAL_PHONE', 'PERSONAL_MOBILE', 'PERSONAL_BIRTHDAY',
            'PHONE_AUTH.PHONE_NUMBER'];

        public static function getList(array $parameters = [])
        {
            $rows = [];
            foreach (\CUser::fakeRows() as $row) {
                $row['PHONE_AUTH.PHONE_NUMBER'] = ($row['PHONE_NUMBER'] ?? '') !== '' ? $row['PHONE_NUMBER'] : null;
                $row['DATE_REGISTER'] = ($row['DATE_REGISTER'] ?? '') !== '' ? new Type\DateTime($row['DATE_REGISTER']) : null;
                $row['PERSONAL_BIRTHDAY'] = ($row['PERSONAL_BIRTHDAY'] ?? '') !== '' ? new Type\Date($row['PERSONAL_BIRTHDAY']) : null;
                $rows[] = $row;
            }
            return ORM\FakeQuery::getList('Bitrix\\Main\\User', self::FIELDS, $rows, $parameters);
        }

        public static function getExternalUserTypes()
        {
            return ['bot', 'email', '__controller', 'replica', 'imconnector', 'sale', 'saleanonymous', 'shop', 'call', 'document_editor'];
        }
    }

    /**
     * b_lang: the sites of the installation. SERVER_NAME, DOC_ROOT and SITE_NAME are empty until a test sets them
     * (fakeSet), as on an installation where nobody filled them in. The filter takes LID and ACTIVE (with or without =).
     */
    class SiteTable
    {
        /** @var array<string, array> */
        private static array $sites = [];

        /** @param array<string, string> $sites site id => name */
        public static function fakeReset(array $sites): void
        {
            self::$sites = [];
            foreach ($sites as $lid => $name) {
                self::$sites[$lid] = ['LID' => $lid, 'NAME' => $name, 'ACTIVE' => 'Y', 'DIR' => '/', 'SERVER_NAME' => '',
                    'DOC_ROOT' => '', 'SITE_NAME' => '', 'EMAIL' => ''];
            }
        }

        public static function fakeSet(string $lid, array $fields): void
        {
            self::$sites[$lid] = array_merge(self::$sites[$lid], $fields);
        }

        public static function getList(array $parameters = [])
        {
            $rows = [];
            foreach (self::$sites as $row) {
                foreach ((array)($parameters['filter'] ?? []) as $key => $value) {
                    $field = ltrim((string)$key, '=');
                    if (!in_array($field, ['LID', 'ACTIVE'], true)) {
                        throw new SystemException("the fake core does not filter sites by $key");
                    }
                    if (!in_array($row[$field], (array)$value, true)) {
                        continue 2;
                    }
                }
                $rows[] = isset($parameters['select']) ? array_intersect_key($row, array_flip($parameters['select'])) : $row;
            }
            return new DB\Result($rows);
        }
    }
}
