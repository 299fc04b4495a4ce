<?php

namespace Rustbox\Mindbox\Shop;

use Bitrix\Main\Loader;
use Bitrix\Sender\ContactTable;
use Bitrix\Sender\MailingSubscriptionTable;

/**
 * E-mail subscriptions as the shop keeps them, in the subscribe module (b_subscription: one row per address, ACTIVE)
 * and in the sender module (a contact per address, CODE lower-cased; a row per mailing it is subscribed to, IS_UNSUB
 * once unsubscribed). The live sync hears of each change (Handlers\Subscription); the history's export reads where
 * they stand; both by these rules.
 */
final class Subscriptions
{
    /** The sender module's contact type for e-mail addresses (\Bitrix\Sender\Recipient\Type::EMAIL). */
    public const SENDER_EMAIL_TYPE = 1;

    /** A subscribe module subscription (its row, or the fields it is added or updated with) stands unless ACTIVE is N. */
    public static function isActive(array $row): bool
    {
        return ($row['ACTIVE'] ?? 'Y') !== 'N';
    }

    /** A sender module subscription to a mailing stands unless IS_UNSUB is Y. */
    public static function isSenderSubscribed(array $fields): bool
    {
        return ($fields['IS_UNSUB'] ?? 'N') !== 'Y';
    }

    /**
     * Where the addresses' subscriptions stand: subscribed when either module has one that stands, unsubscribed when
     * they have only some that do not; addresses neither knows are left out (nothing to say to Mindbox). One query for
     * each address of the subscribe module (its API reads by address), two for the sender module's.
     *
     * @param list<string> $emails
     * @return array<string, bool> lower-cased address => subscribed
     */
    public static function ofEmails(array $emails): array
    {
        $emails = array_values(array_unique(array_filter(array_map(static fn (string $e) => mb_strtolower(trim($e)), $emails), 'strlen')));
        if ($emails === []) {
            return [];
        }
        $state = [];
        if (Loader::includeModule('subscribe')) {
            foreach ($emails as $email) {
                $row = \CSubscription::GetByEmail($email)->Fetch();
                if (is_array($row)) {
                    $state[$email] = self::isActive($row);
                }
            }
        }
        if (Loader::includeModule('sender')) {
            foreach (self::senderState($emails) as $email => $subscribed) {
                $state[$email] = ($state[$email] ?? false) || $subscribed;
            }
        }
        return $state;
    }

    /** @return array<string, bool> */
    private static function senderState(array $emails): array
    {
        $contacts = [];
        $rows = ContactTable::getList(['select' => ['ID', 'CODE'], 'filter' => ['=TYPE_ID' => self::SENDER_EMAIL_TYPE, '@CODE' => $emails]]);
        while ($row = $rows->fetch()) {
            $contacts[(int)$row['ID']] = mb_strtolower((string)$row['CODE']);
        }
        if ($contacts === []) {
            return [];
        }
        $state = [];
        $rows = MailingSubscriptionTable::getList(['select' => ['CONTACT_ID', 'IS_UNSUB'], 'filter' => ['@CONTACT_ID' => array_keys($contacts)]]);
        while ($row = $rows->fetch()) {
            $email = $contacts[(int)$row['CONTACT_ID']] ?? null;
            if ($email !== null) {
                $state[$email] = ($state[$email] ?? false) || self::isSenderSubscribed($row);
            }
        }
        return $state;
    }
}
