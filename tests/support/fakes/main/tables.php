<?php
// Tables of main the module reads through the ORM: b_lang (main/lib/site.php) and the kinds of users
// (main/lib/user.php).

namespace Bitrix\Main {

    /** The technical kinds of users (a fixed list; no event extends it). */
    class UserTable
    {
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
