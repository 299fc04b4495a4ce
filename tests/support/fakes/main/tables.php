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

    /** b_lang: the sites of the installation. */
    class SiteTable
    {
        private static array $sites = [];

        public static function fakeReset(array $sites): void
        {
            self::$sites = $sites;
        }

        public static function getList(array $parameters = [])
        {
            $rows = [];
            foreach (self::$sites as $lid => $name) {
                $row = ['LID' => $lid, 'NAME' => $name, 'ACTIVE' => 'Y'];
                $rows[] = isset($parameters['select']) ? array_intersect_key($row, array_flip($parameters['select'])) : $row;
            }
            return new DB\Result($rows);
        }
    }
}
