<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Sender\ContactTable;
use Bitrix\Sender\MailingSubscriptionTable;

/** E-mail subscriptions from the subscribe module's events and the sender module's subscription table. */
final class SubscriptionHandlerTest extends ModuleTestCase
{
    public function testASubscribeModuleSubscriptionIsSentAndNotVetoed(): void
    {
        $userId = $this->shop->existingCustomer('reader');
        $this->shop->visit(['mindboxDeviceUUID' => 'c0ffee00-0000-4000-8000-000000000001']);
        $id = (new \CSubscription())->Add(['EMAIL' => 'reader@example.com', 'ACTIVE' => 'Y', 'USER_ID' => $userId, 'RUB_ID' => [1]], 's1');

        $this->assertGreaterThan(0, $id, 'the module never vetoes a subscription');
        $this->assertSame([[
            'subscribeEmail',
            ['customer' => [
                'ids' => ['websiteID' => (string)$userId],
                'email' => 'reader@example.com',
                'subscriptions' => [['pointOfContact' => 'Email', 'isSubscribed' => true]],
            ]],
            ['deviceUUID' => 'c0ffee00-0000-4000-8000-000000000001', 'customerIp' => '198.51.100.7'],
        ]], $this->sent());
    }

    public function testAnInvalidAddressOrAnInactiveSubscriptionIsNotSent(): void
    {
        (new \CSubscription())->Add(['EMAIL' => 'not-an-address', 'ACTIVE' => 'Y']);
        (new \CSubscription())->Add(['EMAIL' => 'quiet@example.com', 'ACTIVE' => 'N']);

        $this->assertSame([], $this->sent());
    }

    public function testTheSenderModulesSubscriptionTableIsFollowed(): void
    {
        $contact = ContactTable::add(['CODE' => 'fan@example.com', 'TYPE_ID' => 1])->getData()['ID'];
        $phone = ContactTable::add(['CODE' => '79001234567', 'TYPE_ID' => 2])->getData()['ID'];

        MailingSubscriptionTable::addSubscription(['MAILING_ID' => 3, 'CONTACT_ID' => $contact]);
        MailingSubscriptionTable::addSubscription(['MAILING_ID' => 3, 'CONTACT_ID' => $phone]);
        MailingSubscriptionTable::update(['MAILING_ID' => 3, 'CONTACT_ID' => $contact], ['IS_UNSUB' => 'Y']);

        $this->assertSame([
            ['email' => 'fan@example.com', 'subscriptions' => [['pointOfContact' => 'Email', 'isSubscribed' => true]]],
            ['email' => 'fan@example.com', 'subscriptions' => [['pointOfContact' => 'Email', 'isSubscribed' => false]]],
        ], array_column(array_column($this->sent(), 1), 'customer'));
    }

    public function testUnsubscribingInTheSubscribeModuleSendsTheUnsubscription(): void
    {
        $subscription = new \CSubscription();
        $id = $subscription->Add(['EMAIL' => 'reader@example.com', 'ACTIVE' => 'Y', 'USER_ID' => 0, 'RUB_ID' => [1]], 's1');
        $this->calls = [];

        $subscription->Update($id, ['ACTIVE' => 'N']);          // subscribe.edit, action=unsubscribe
        $subscription->Update($id, ['ACTIVE' => 'Y']);          // action=activate
        $subscription->Update($id, ['FORMAT' => 'text']);       // any other edit
        $subscription->Update(999, ['ACTIVE' => 'N']);          // no such subscription
        \CSubscription::Delete($id);                             // subscribe.simple with every rubric unticked

        $this->assertSame([
            ['email' => 'reader@example.com', 'subscriptions' => [['pointOfContact' => 'Email', 'isSubscribed' => false]]],
            ['email' => 'reader@example.com', 'subscriptions' => [['pointOfContact' => 'Email', 'isSubscribed' => true]]],
            ['email' => 'reader@example.com', 'subscriptions' => [['pointOfContact' => 'Email', 'isSubscribed' => false]]],
        ], array_column(array_column($this->sent(), 1), 'customer'));
    }

    public function testTheSenderModulesUnsubscribeLinkSendsOneUnsubscription(): void
    {
        $contact = ContactTable::add(['CODE' => 'fan@example.com', 'TYPE_ID' => 1])->getData()['ID'];
        MailingSubscriptionTable::addSubscription(['MAILING_ID' => 3, 'CONTACT_ID' => $contact]);
        $this->calls = [];

        \Bitrix\Sender\Subscription::onMailEventSubscriptionDisable(['CONTACT_ID' => $contact, 'RECIPIENT_ID' => 12, 'UNSUBSCRIBE_LIST' => [3]]);

        $this->assertSame(
            [['email' => 'fan@example.com', 'subscriptions' => [['pointOfContact' => 'Email', 'isSubscribed' => false]]]],
            array_column(array_column($this->sent(), 1), 'customer')
        );
    }
}
