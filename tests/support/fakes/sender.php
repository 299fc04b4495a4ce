<?php
// The sender module (sender/lib/mailing.php with MailingSubscriptionTable, subscription.php, contact.php;
// main/lib/orm/data/datamanager.php for the events and getList()):
// subscribing and unsubscribing write MailingSubscriptionTable rows through the ORM, which fires each entity event
// twice: under the old name (MailingSubscriptionOnAfterAdd: id, fields, object; the table's key is composite, so
// an add's id is 0) and under the namespaced one (\Bitrix\Sender\MailingSubscription::OnAfterAdd: id, primary,
// fields, object). An update carries only the fields it changed and fires even when nothing changes. An
// unsubscription from a mailing's link also fires OnAfterRecipientUnsub, whose only parameter is a positional array.

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

        public static function getList(array $parameters = [])
        {
            return \Bitrix\Main\ORM\FakeQuery::getList('Bitrix\\Sender\\Contact', ['ID', 'TYPE_ID', 'CODE', 'NAME', 'USER_ID', 'IS_UNSUB', 'BLACKLISTED'],
                self::$rows, $parameters);
        }
    }

    /**
     * Subscription::onMailEventSubscriptionDisable(), the handler of the unsubscribe link in a mailing: for each
     * mailing unsubscribed from, OnAfterRecipientUnsub with [$eventData] (the first time only), then always the
     * IS_UNSUB row.
     */
    class Subscription
    {
        private static array $unsubscribed = [];

        public static function fakeReset(): void
        {
            self::$unsubscribed = [];
        }

        public static function onMailEventSubscriptionDisable($data)
        {
            $contact = ContactTable::getRowById((int)($data['CONTACT_ID'] ?? 0));
            if ($contact === null) {
                return true;
            }
            foreach ((array)($data['UNSUBSCRIBE_LIST'] ?? []) as $mailingId) {
                $key = $mailingId . '|' . $contact['ID'];
                if (!isset(self::$unsubscribed[$key])) {
                    self::$unsubscribed[$key] = true;
                    $eventData = [
                        'ABUSE' => false,
                        'ABUSE_TEXT' => '',
                        'MAILING_ID' => (int)$mailingId,
                        'RECIPIENT_ID' => (int)($data['RECIPIENT_ID'] ?? 0),
                        'CONTACT_ID' => (int)$contact['ID'],
                        'EMAIL' => $contact['CODE'],
                    ];
                    (new \Bitrix\Main\Event('sender', 'OnAfterRecipientUnsub', [$eventData]))->send();
                }
                MailingSubscriptionTable::addUnSubscription(['MAILING_ID' => (int)$mailingId, 'CONTACT_ID' => (int)$contact['ID']]);
            }
            return true;
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
            return self::write($parameters, 'N');
        }

        /** Marks the contact unsubscribed from the mailing, adding the row when there is none. */
        public static function addUnSubscription(array $parameters = [])
        {
            return self::write($parameters, 'Y');
        }

        public static function getList(array $parameters = [])
        {
            $rows = array_map(static fn (array $row) => array_map('strval', $row), self::$rows);
            return \Bitrix\Main\ORM\FakeQuery::getList('Bitrix\\Sender\\MailingSubscription', ['MAILING_ID', 'CONTACT_ID', 'IS_UNSUB'], $rows, $parameters);
        }

        public static function update(array $primary, array $data)
        {
            self::$rows[implode('|', $primary)] = $data + self::$rows[implode('|', $primary)];
            self::fire('OnAfterUpdate', $primary, $primary, $data);
            return true;
        }

        private static function write(array $parameters, string $unsubscribed): bool
        {
            $primary = ['MAILING_ID' => (int)$parameters['MAILING_ID'], 'CONTACT_ID' => (int)$parameters['CONTACT_ID']];
            if (isset(self::$rows[implode('|', $primary)])) {
                return self::update($primary, ['IS_UNSUB' => $unsubscribed]);
            }
            $fields = ['IS_UNSUB' => $unsubscribed] + $primary;
            self::$rows[implode('|', $primary)] = $fields;
            self::fire('OnAfterAdd', 0, $primary, $fields);
            return true;
        }

        private static function fire(string $type, $id, array $primary, array $fields): void
        {
            $object = (object)($fields + $primary);
            (new Event('sender', 'MailingSubscription' . $type, ['id' => $id, 'fields' => $fields, 'object' => $object]))->send();
            (new Event('sender', '\\Bitrix\\Sender\\MailingSubscription::' . $type, ['id' => $id, 'primary' => $primary, 'fields' => $fields, 'object' => $object]))->send();
        }
    }
}
