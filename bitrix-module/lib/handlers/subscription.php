<?php

namespace Rustbox\Mindbox\Handlers;

use Bitrix\Main\Event;
use Rustbox\Mindbox\Config\Operation;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Mappers\SubscriptionMapper;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Outbox\Dispatcher;
use Rustbox\Mindbox\Shop\Subscriptions;
use Rustbox\Mindbox\Support\Guard;

/**
 * E-mail subscriptions. Bitrix has no "subscribed" event (the OnSubscribeSubscribe of old write-ups does not
 * exist), so two real sources are used:
 * - the subscribe module: OnBeforeSubscriptionAdd/Update(&$arFields, $SITE_ID), the last events before the row is
 *   written (an unsubscription is an update of ACTIVE to "N"), and OnBefore/OnAfterSubscriptionDelete($ID);
 * - the sender module: the ORM events of its MailingSubscriptionTable (MailingSubscriptionOnAfterAdd/Update), which
 *   every subscription and unsubscription goes through, the unsubscribe link of a mailing included.
 */
final class Subscription
{
    /** @var array<int, array> active subscriptions about to be deleted, by id: the row is gone once they are */
    private static array $deleting = [];

    /** Must never return false: that would veto the subscription. */
    public static function onBeforeSubscriptionAdd(array &$arFields, $siteId = false): void
    {
        $fields = $arFields;
        Guard::run('subscribe:OnBeforeSubscriptionAdd', static function () use ($fields, $siteId): void {
            if (!Subscriptions::isActive($fields)) {
                return;
            }
            $site = is_string($siteId) && $siteId !== '' ? $siteId : null;
            self::send(Mindbox::settings($site), (string)($fields['EMAIL'] ?? ''), (int)($fields['USER_ID'] ?? 0), true);
        });
    }

    /**
     * An update carries only the fields passed in plus ID: ACTIVE alone for subscribe.edit's "unsubscribe" and
     * "activate", so the address comes from the stored row. Only a change of ACTIVE is sent.
     */
    public static function onBeforeSubscriptionUpdate(array &$arFields, $siteId = false): void
    {
        $fields = $arFields;
        Guard::run('subscribe:OnBeforeSubscriptionUpdate', static function () use ($fields, $siteId): void {
            $stored = \CSubscription::GetByID((int)($fields['ID'] ?? 0))->Fetch();
            if (!is_array($stored) || !array_key_exists('ACTIVE', $fields) || Subscriptions::isActive($fields) === Subscriptions::isActive($stored)) {
                return;
            }
            $site = is_string($siteId) && $siteId !== '' ? $siteId : null;
            $email = (string)($fields['EMAIL'] ?? $stored['EMAIL'] ?? '');
            self::send(Mindbox::settings($site), $email, (int)($fields['USER_ID'] ?? $stored['USER_ID'] ?? 0), Subscriptions::isActive($fields));
        });
    }

    public static function onBeforeSubscriptionDelete($id): void
    {
        Guard::run('subscribe:OnBeforeSubscriptionDelete', static function () use ($id): void {
            $stored = \CSubscription::GetByID((int)$id)->Fetch();
            if (is_array($stored) && Subscriptions::isActive($stored)) {
                self::$deleting[(int)$id] = $stored;
            }
        });
    }

    /** After the row is gone: a vetoed deletion never gets here. */
    public static function onAfterSubscriptionDelete($id): void
    {
        Guard::run('subscribe:OnAfterSubscriptionDelete', static function () use ($id): void {
            $stored = self::$deleting[(int)$id] ?? null;
            unset(self::$deleting[(int)$id]);
            if ($stored !== null) {
                self::send(Mindbox::settings(), (string)$stored['EMAIL'], (int)($stored['USER_ID'] ?? 0), false);
            }
        });
    }

    /** Both the add and the update event of MailingSubscriptionTable; an update carries only the changed fields. */
    public static function onSenderSubscriptionSaved(Event $event): void
    {
        Guard::run('sender:MailingSubscription', static function () use ($event): void {
            $fields = (array)($event->getParameter('fields') ?? []);
            $primary = $event->getParameter('primary') ?? $event->getParameter('id');
            $contactId = (int)(is_array($primary) ? ($primary['CONTACT_ID'] ?? 0) : 0) ?: (int)($fields['CONTACT_ID'] ?? 0);
            $isNew = str_ends_with($event->getEventType(), 'OnAfterAdd');
            if ($contactId <= 0 || (!$isNew && !array_key_exists('IS_UNSUB', $fields))) {
                return;
            }
            $contact = \Bitrix\Sender\ContactTable::getRowById($contactId);
            if (!is_array($contact) || (int)($contact['TYPE_ID'] ?? 0) !== Subscriptions::SENDER_EMAIL_TYPE) {
                return;
            }
            self::send(Mindbox::settings(), (string)$contact['CODE'], (int)($contact['USER_ID'] ?? 0), Subscriptions::isSenderSubscribed($fields));
        });
    }

    private static function send(Settings $settings, string $email, int $userId, bool $isSubscribed): void
    {
        $body = (new SubscriptionMapper($settings))->subscription($email, $userId, $isSubscribed);
        if ($body !== null) {
            Dispatcher::send(Operation::SubscribeEmail, $settings, $body);
        }
    }
}
