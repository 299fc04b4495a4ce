<?php
// The sender module's tables (bitrix.md 3.5): subscribing writes a MailingSubscriptionTable row through the ORM,
// which fires MailingSubscriptionOnAfterAdd/OnAfterUpdate (and the namespaced names) with the row's primary key and
// the fields written; an update carries only the fields it changed.

namespace Bitrix\Sender {

    use Bitrix\Main\ORM\Event;

    class ContactTable
    {
        private static array $rows = [];
        private static int $nextId = 1;

        public static function fakeReset(): void
        {
            self::$rows = [];
            self::$nextId = 1;
        }

        public static function add(array $data)
        {
            $id = self::$nextId++;
            self::$rows[$id] = ['ID' => (string)$id] + array_map('strval', $data);
            return (new \Bitrix\Main\Result())->setData(['ID' => $id]);
        }

        public static function getRowById($id)
        {
            return self::$rows[(int)$id] ?? null;
        }
    }

    class MailingSubscriptionTable
    {
        private static array $rows = [];

        public static function fakeReset(): void
        {
            self::$rows = [];
        }

        /** Adds the subscription, or re-subscribes an unsubscribed contact with an update of IS_UNSUB. */
        public static function addSubscription(array $parameters = [])
        {
            $primary = ['MAILING_ID' => (int)$parameters['MAILING_ID'], 'CONTACT_ID' => (int)$parameters['CONTACT_ID']];
            $key = implode('|', $primary);
            if (isset(self::$rows[$key])) {
                return self::update($primary, ['IS_UNSUB' => 'N']);
            }
            $fields = $primary + ['IS_UNSUB' => 'N'];
            self::$rows[$key] = $fields;
            self::fire('OnAfterAdd', $primary, $fields);
            return true;
        }

        public static function update(array $primary, array $data)
        {
            self::$rows[implode('|', $primary)] = $data + self::$rows[implode('|', $primary)];
            self::fire('OnAfterUpdate', $primary, $data);
            return true;
        }

        private static function fire(string $type, array $primary, array $fields): void
        {
            $parameters = ['id' => $primary, 'primary' => $primary, 'fields' => $fields];
            (new Event('sender', 'MailingSubscription' . $type, $parameters))->send();
            (new Event('sender', '\\Bitrix\\Sender\\MailingSubscription::' . $type, $parameters))->send();
        }
    }
}
