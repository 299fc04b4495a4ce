<?php

namespace Rustbox\Mindbox\Handlers;

use Bitrix\Main\Event;
use Rustbox\Mindbox\Dispatcher;
use Rustbox\Mindbox\Guard;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Operation;
use Rustbox\Mindbox\Settings;
use Rustbox\Mindbox\Visitor;

/**
 * E-mail subscriptions. Bitrix has no "subscribed" event (the OnSubscribeSubscribe of old write-ups does not
 * exist), so two real sources are used:
 * - the subscribe module: OnBeforeSubscriptionAdd(&$arFields, $SITE_ID), the last event before the row is written;
 * - the sender module: the ORM events of its MailingSubscriptionTable (MailingSubscriptionOnAfterAdd/Update).
 */
final class Subscription
{
    /** The sender module's contact type for e-mail addresses (\Bitrix\Sender\Recipient\Type::EMAIL). */
    private const SENDER_EMAIL_TYPE = 1;

    /** Must never return false: that would veto the subscription. */
    public static function onBeforeSubscriptionAdd(array &$arFields, $siteId = false): void
    {
        $fields = $arFields;
        Guard::run('subscribe:OnBeforeSubscriptionAdd', static function () use ($fields, $siteId): void {
            if (($fields['ACTIVE'] ?? 'Y') === 'N') {
                return;
            }
            $site = is_string($siteId) && $siteId !== '' ? $siteId : null;
            self::send(Mindbox::settings($site), (string)($fields['EMAIL'] ?? ''), (int)($fields['USER_ID'] ?? 0), true);
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
            if (!is_array($contact) || (int)($contact['TYPE_ID'] ?? 0) !== self::SENDER_EMAIL_TYPE) {
                return;
            }
            self::send(Mindbox::settings(), (string)$contact['CODE'], (int)($contact['USER_ID'] ?? 0), ($fields['IS_UNSUB'] ?? 'N') !== 'Y');
        });
    }

    private static function send(Settings $settings, string $email, int $userId, bool $isSubscribed): void
    {
        $email = trim($email);
        // The subscribe module still runs its handlers after its own checks failed, so a bad address gets here too.
        if (filter_var($email, FILTER_VALIDATE_EMAIL) === false) {
            return;
        }
        $customer = $userId > 0 ? ['ids' => $settings->customerIds($userId)] : [];
        $customer['email'] = $email;
        $customer['subscriptions'] = [['pointOfContact' => 'Email', 'isSubscribed' => $isSubscribed]];
        Dispatcher::send(Operation::SubscribeEmail, $settings, ['customer' => $customer], Visitor::current()->optionsFor(Operation::SubscribeEmail));
    }
}
