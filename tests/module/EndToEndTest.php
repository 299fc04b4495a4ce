<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Sender\ContactTable;
use Bitrix\Sender\MailingSubscriptionTable;

/**
 * Every handler end to end: the module installed in the fake core, the event fired the way the core fires it, the
 * real extension's outbox flushed, and the exact operation, query and body the emulator received.
 */
final class EndToEndTest extends EndToEndTestCase
{
    private const DEVICE = '5d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a';

    public function testOnSaleOrderSavedCreatesTheOrder(): void
    {
        $this->shop->fillCart([[10, 'SKU-10', 2, 1000.0, 100.0]]);
        $order = $this->shop->placeOrder($this->shop->existingCustomer(), 'anna@example.com', '+7 900 123-45-67', 300.0);

        $entry = $this->onlyDelivered();
        $this->assertSame('Website.CreateOrder', $entry['operation']);
        $this->assertSame('sync', $entry['endpoint'], 'order operations keep their order on the sync endpoint');
        $this->assertArrayNotHasKey('deviceUUID', $entry['query']);
        self::assertBody([
            'customer' => ['ids' => ['websiteID' => '1'], 'email' => 'anna@example.com', 'mobilePhone' => '79001234567'],
            'order' => [
                'ids' => ['websiteID' => (string)$order->getId()],
                'email' => 'anna@example.com',
                'mobilePhone' => '79001234567',
                'deliveryCost' => 300.0,
                'totalPrice' => 2100.0,
                // The module numbers the lines as Mindbox will keep them, with the order's status (OrderChange).
                'lines' => [[
                    'lineNumber' => 1,
                    'lineId' => '1',
                    'product' => ['ids' => ['websiteID' => 'SKU-10']],
                    'quantity' => 2.0,
                    'basePricePerItem' => 1000.0,
                    'discounts' => [[
                        'type' => 'externalPromoAction',
                        'externalPromoAction' => ['ids' => ['externalId' => 'bitrix-discount']],
                        'amount' => 200.0,
                    ]],
                    'status' => ['ids' => ['externalId' => 'CheckedOut']],
                ]],
            ],
        ], $entry['body']);
    }

    /**
     * The module hands over Bitrix's amounts as they are (a shop at value_precision 4 has prices of 4 decimals); the
     * extension rounds money to 2 decimals and quantities to 3 for Mindbox, and numbers the lines.
     */
    public function testMoneyAndQuantitiesReachMindboxRoundedByTheExtension(): void
    {
        \Bitrix\Main\Config\Option::set('sale', 'value_precision', '4');
        $this->shop->visit(['mindboxDeviceUUID' => self::DEVICE]);
        $this->shop->fillCart([[10, 'SKU-10', 1.5, 33.33335, 0.0], [11, 'SKU-11', 2, 10.0049, 0.0]]);
        $order = $this->shop->placeOrder($this->shop->existingCustomer(), 'anna@example.com', '', 0.12345);

        // Different ordering keys: found by what they are, not by arrival.
        $bodies = array_column($this->delivered(), 'body', 'operation');
        $this->assertSame([[1.5, 33.33], [2.0, 10.0]], array_map(
            static fn (array $line) => [(float)$line['count'], (float)$line['pricePerItem']],
            $bodies['Website.SetCart']['productList']
        ));
        $created = $bodies['Website.CreateOrder']['order'];
        $this->assertSame([1, 2], array_column($created['lines'], 'lineNumber'));
        $this->assertSame([33.33, 10.0], array_map('floatval', array_column($created['lines'], 'basePricePerItem')));
        $this->assertSame(0.12, (float)$created['deliveryCost']);
        $this->assertSame(round((float)$order->getPrice(), 2), (float)$created['totalPrice']);
    }

    public function testOnSaleOrderSavedSendsAStatusChange(): void
    {
        $order = $this->shop->placeOrder($this->shop->existingCustomer(), 'anna@example.com', '');
        $this->shop->visit([], '10.0.0.5', 's1', true);
        $order->setField('STATUS_ID', 'P');
        $order->save();

        $entries = $this->delivered();
        $this->assertSame(['Website.CreateOrder', 'Website.UpdateOrderStatus'], array_column($entries, 'operation'));
        $this->assertSame(['orderLinesStatus' => 'Paid', 'order' => ['ids' => ['websiteID' => (string)$order->getId()]]], $entries[1]['body']);
    }

    public function testOnSaleBasketSavedSetsTheCartWithTheDevice(): void
    {
        $this->shop->visit(['mindboxDeviceUUID' => self::DEVICE]);
        $this->shop->fillCart([[11, 'SKU-11', 3, 49.99, 0.0]]);

        $entry = $this->onlyDelivered();
        $this->assertSame('Website.SetCart', $entry['operation']);
        $this->assertSame(self::DEVICE, $entry['query']['deviceUUID']);
        $this->assertSame('198.51.100.7', $entry['headers']['x-customer-ip']);
        self::assertBody(['productList' => [['product' => ['ids' => ['websiteID' => 'SKU-11']], 'count' => 3.0, 'pricePerItem' => 49.99]]], $entry['body']);
    }

    public function testOnAfterUserRegisterAndAddRegisterOnce(): void
    {
        $this->shop->visit(['mindboxDeviceUUID' => self::DEVICE]);
        (new \CUser())->Register('anna', 'Anna', 'Petrova', 'secret1', 'secret1', 'anna@example.com', 's1', '', 0, false, '+7 (900) 123-45-67');

        // Register() logs the new customer in, which is an authorization of its own.
        $entries = $this->delivered();
        $this->assertSame(['Website.Register', 'Website.AuthorizeCustomer'], array_column($entries, 'operation'));
        $entry = $entries[0];
        $this->assertSame(self::DEVICE, $entry['query']['deviceUUID']);
        self::assertBody(['customer' => [
            'ids' => ['websiteID' => '1'],
            'email' => 'anna@example.com',
            'firstName' => 'Anna',
            'lastName' => 'Petrova',
            'mobilePhone' => '79001234567',
        ]], $entry['body']);
    }

    /**
     * People type anything into a phone field. Mindbox would refuse the whole event for a phone it cannot read, so
     * the event goes without it, and the event log says so without the value.
     */
    public function testAJunkPhoneCostsTheFieldNotTheEvent(): void
    {
        (new \CUser())->Register('anna', 'Anna', 'Petrova', 'secret1', 'secret1', 'anna@example.com', 's1', '', 0, false, '-');
        $this->shop->fillCart([[10, 'SKU-10', 1, 100.0, 0.0]]);
        $order = $this->shop->placeOrder($this->shop->existingCustomer(), 'anna@example.com', '89001234567 89007654321');
        $listed = $this->shop->placeOrder($this->shop->existingCustomer(), 'anna@example.com', '+7 (900) 123-45-67, +7 495 765-43-21');

        $warnings = \CEventLog::fakeEntries();
        $this->assertSame(['WARNING', 'WARNING'], array_column($warnings, 'SEVERITY'));
        $this->assertSame([
            'User 1: the phone is not a phone number; sent without it',
            sprintf('Order %d: the phone is not a phone number; sent without it', $order->getId()),
        ], array_column($warnings, 'DESCRIPTION'));
        \CEventLog::fakeReset();

        // Different customers' and orders' events go side by side: found by what they are, not by arrival.
        $register = [];
        $orders = [];
        foreach ($this->delivered() as $entry) {
            if ($entry['operation'] === 'Website.Register') {
                $register[] = $entry['body'];
            } elseif ($entry['operation'] === 'Website.CreateOrder') {
                $orders[$entry['body']['order']['ids']['websiteID']] = $entry['body'];
            }
        }
        $this->assertCount(1, $register);
        $this->assertArrayNotHasKey('mobilePhone', $register[0]['customer']);
        $this->assertSame('anna@example.com', $register[0]['customer']['email']);
        $this->assertCount(2, $orders);
        $this->assertArrayNotHasKey('mobilePhone', $orders[(string)$order->getId()]['order']);
        $this->assertSame('79001234567', $orders[(string)$listed->getId()]['order']['mobilePhone'], 'the first number of a list');
    }

    public function testOnAfterUserUpdateUpdatesTheProfile(): void
    {
        $user = new \CUser();
        $id = $user->Add(['LOGIN' => 'anna', 'EMAIL' => 'anna@example.com']);
        $this->delivered();
        self::$emulator->reset();

        $user->Update($id, ['LAST_NAME' => 'Ivanova']);

        $entry = $this->onlyDelivered();
        $this->assertSame('Website.UpdateProfile', $entry['operation']);
        $this->assertSame(['customer' => ['ids' => ['websiteID' => (string)$id], 'lastName' => 'Ivanova']], $entry['body']);
    }

    public function testOnAfterUserAuthorizeSendsTheAuthorizeOperationWithTheDevice(): void
    {
        $id = (new \CUser())->Add(['LOGIN' => 'anna', 'EMAIL' => 'anna@example.com']);
        $this->delivered();
        self::$emulator->reset();
        $this->shop->visit(['mindboxDeviceUUID' => self::DEVICE]);

        $this->shop->logIn($id);

        $entry = $this->onlyDelivered();
        $this->assertSame('Website.AuthorizeCustomer', $entry['operation']);
        $this->assertSame(self::DEVICE, $entry['query']['deviceUUID']);
        $this->assertSame(['customer' => ['ids' => ['websiteID' => (string)$id]]], $entry['body']);
    }

    public function testSubscriptionsFromTheSubscribeAndSenderModules(): void
    {
        (new \CSubscription())->Add(['EMAIL' => 'reader@example.com', 'ACTIVE' => 'Y'], 's1');
        $contact = ContactTable::add(['CODE' => 'fan@example.com', 'TYPE_ID' => 1])->getData()['ID'];
        MailingSubscriptionTable::addSubscription(['MAILING_ID' => 1, 'CONTACT_ID' => $contact]);

        $entries = $this->delivered();
        $this->assertSame(['Website.SubscribeEmail', 'Website.SubscribeEmail'], array_column($entries, 'operation'));
        // Two customers: nothing orders their deliveries (only one customer's or one order's events keep their order).
        $byEmail = array_column(array_map(static fn (array $e) => $e['body']['customer'], $entries), null, 'email');
        ksort($byEmail);
        $this->assertSame(['fan@example.com', 'reader@example.com'], array_keys($byEmail));
        $this->assertSame([['pointOfContact' => 'Email', 'isSubscribed' => true]], $byEmail['reader@example.com']['subscriptions']);
    }

    public function testTheQueryCarriesTheEndpointAndTheTransactionId(): void
    {
        $this->shop->placeOrder($this->shop->existingCustomer(), 'anna@example.com', '');
        (new \CUser())->Add(['LOGIN' => 'boris', 'EMAIL' => 'boris@example.com']);

        $entries = array_column($this->delivered(), null, 'operation');
        [$order, $registration] = [$entries['Website.CreateOrder'], $entries['Website.Register']];
        $this->assertSame(self::$emulator->endpointId(), $order['query']['endpointId']);
        $this->assertSame('Website.CreateOrder', $order['query']['operation']);
        // An order's creation has a name-based GUID (version 5) of its own, so that sending it again is no new order.
        $this->assertMatchesRegularExpression('/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/', $order['query']['transactionId']);
        $this->assertMatchesRegularExpression('/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/', $registration['query']['transactionId']);
    }
}
