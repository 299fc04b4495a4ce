<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Sale\Order;

/**
 * A history of several parts exported into the emulator: every customer and every order line once, mapped by the
 * live sync's rules; the parts gone once sent; a dry run that keeps them and sends nothing.
 */
final class HistoryExportTest extends HistoryTestCase
{
    public function testSeveralPartsBringEveryCustomerAndEveryOrderLineOnce(): void
    {
        $this->history();
        $last = $this->export();

        $parts = array_count_values(array_column($last['parts'], 'entity'));
        $this->assertGreaterThan(2, $parts['customers'], 'the customers in several parts');
        $this->assertGreaterThan(5, $parts['orders'], 'the orders in several parts');
        $this->assertSame(['sent'], array_values(array_unique(array_column($last['parts'], 'state'))));
        $this->assertSame(array_column($this->tasks(), 'transactionId'), array_column($last['parts'], 'transactionId'), 'in their order');
        $this->assertSame(array_map('strval', $this->customerIdsImported()), self::customerIds());
        $this->assertEquals(self::expectedLines(), $this->importedLines());
        $this->assertSame($last['rows']['customers'] + $last['rows']['orders'], $this->assertTasksClean());
        $this->assertSame([], array_values(array_diff(scandir($last['directory']), ['.', '..'])), 'every part removed once sent');
        $gzip = array_column(array_filter($this->tasks(), static fn (array $t) => $t['operation'] === 'DirectCrm.Customers.Import'), 'gzip');
        $this->assertSame([true], array_values(array_unique($gzip)), 'customers gzip, as set');
    }

    public function testACustomersFieldsAreTheLiveSyncs(): void
    {
        $this->history(30, 0);
        $this->export(['scope' => 'customers']);
        $customers = $this->imported('customers');

        // user 1: names with the delimiter, the qualifier, a tab; the phone the user logs in with
        $this->assertSame(['Анна; "Мария"', "O'Neil Смит", '79160000001', 'user1@example.com'],
            [$customers['1']['firstName'], $customers['1']['lastName'], $customers['1']['mobilePhone'], $customers['1']['email']]);
        $this->assertSame(gmdate('Y-m-d H:i:s', mktime(9, 1, 1, 1, 2, 2018)), $customers['1']['sourceDateTimeUtc'], 'registered, in UTC');
        $this->assertSame(self::$emulator->endpointId(), $customers['1']['sourcePointOfContact']);
        $this->assertSame(sprintf('%d-%02d-%02d', 1960 + 2, 3, 3), $customers['2']['birthDate']);
        $this->assertNull($customers['3']['mobilePhone'], 'a phone that is none is left out, the customer is not');
        $this->assertSame('user6@example.com', strtolower($customers['6']['email']), 'trimmed');
        $this->assertArrayNotHasKey('5', $customers, 'an inactive user is no customer');
        $this->assertArrayNotHasKey('7', $customers, 'nor a technical one');
        $this->assertArrayNotHasKey('31', $customers, 'nor the anonymous buyer');
    }

    public function testIsSubscribedIsWhereTheSubscribeAndSenderModulesSubscriptionsStand(): void
    {
        $this->history(12, 0);
        (new \CSubscription())->Add(['EMAIL' => 'user1@example.com', 'ACTIVE' => 'Y'], 's1');
        (new \CSubscription())->Add(['EMAIL' => 'user2@example.com', 'ACTIVE' => 'N'], 's1');
        foreach (['user3@example.com' => 'addSubscription', 'user6@example.com' => 'addUnSubscription', 'user2@example.com' => 'addSubscription'] as $email => $method) {
            $contact = \Bitrix\Sender\ContactTable::add(['TYPE_ID' => 1, 'CODE' => $email])->getData()['ID'];
            \Bitrix\Sender\MailingSubscriptionTable::$method(['MAILING_ID' => 1, 'CONTACT_ID' => $contact]);
        }
        $this->export(['scope' => 'customers']);
        $customers = $this->imported('customers');

        $this->assertSame([true, true, true, false, null], [$customers['1']['isSubscribed'], $customers['2']['isSubscribed'],
            $customers['3']['isSubscribed'], $customers['6']['isSubscribed'], $customers['8']['isSubscribed']],
            'subscribed in either module; unsubscribed in the only one that knows; unknown to both: left as Mindbox has it');
    }

    public function testAnOrdersRowsCarryItsBuyerTotalsDatesAndStatus(): void
    {
        $this->history(30, 40);
        $this->export(['scope' => 'orders']);
        $orders = $this->imported('orders');

        $guest = Order::load(6);
        $this->assertEmpty($orders['6']['customer']['ids'], 'a guest is no customer');
        $this->assertSame(['guest6@example.com', \MindboxClient::normalizePhone('8 (917) 555-06-07')],
            [$orders['6']['customer']['email'], $orders['6']['customer']['mobilePhone']], 'the order\'s e-mail and phone, by the live rules');
        $this->assertEqualsWithDelta($guest->getPrice(), $orders['6']['totalPrice'], 0.001);
        $this->assertEqualsWithDelta(300.0, $orders['6']['deliveryCost'], 0.001);
        $this->assertSame(gmdate('Y-m-d H:i:s', $guest->getField('DATE_INSERT')->getTimestamp()), $orders['6']['createdAt']);
        $customerOrder = Order::load(1);
        $this->assertSame(['websiteID' => (string)$customerOrder->getUserId()], $orders['1']['customer']['ids']);
        $statuses = [];
        foreach ($orders as $id => $order) {
            $stored = Order::load((int)$id);
            $expected = $stored->isCanceled() ? 'Cancelled' : self::STATUS_MAP[$stored->getField('STATUS_ID')];
            $statuses[] = [$expected] === array_values(array_unique(array_column($order['lines'], 'status')));
        }
        $this->assertSame([true], array_values(array_unique($statuses)), 'every line in its order\'s status, a cancelled one\'s cancelled');
        $this->assertArrayNotHasKey('9', $orders, 'an order with nothing but put-aside lines has no row');
    }

    public function testADryRunWritesThePartsKeepsThemAndSendsNothing(): void
    {
        $this->history(12, 10);
        $last = $this->export(['dryRun' => true]);

        $this->assertSame([], $this->tasks(), 'nothing sent');
        $this->assertTrue($last['dryRun']);
        $files = array_column($last['parts'], 'file');
        $this->assertSame(['kept'], array_values(array_unique(array_column($last['parts'], 'state'))));
        $this->assertEqualsCanonicalizing($files, array_values(array_diff(scandir($last['directory']), ['.', '..'])));
        $this->assertStringStartsWith("websiteID;FirstName;LastName", gzdecode(file_get_contents($last['directory'] . '/customers-0001.csv.gz')));
        $this->job()->cancel();
        $this->assertSame([], array_values(array_diff(scandir($last['directory']), ['.', '..'])), 'cancel removes a dry run\'s parts');
    }

    public function testSinceAndScopeNarrowTheExport(): void
    {
        $this->history(30, 40);
        $last = $this->export(['scope' => 'orders', 'since' => '2019-03-01']);

        $this->assertSame(['orders'], $last['scope']);
        $this->assertSame([], self::$emulator->bulk('customers'));
        $expected = array_filter(self::expectedLines(), static fn (string $id) => Order::load((int)$id)->getField('DATE_INSERT')->getTimestamp()
            >= mktime(0, 0, 0, 3, 1, 2019), ARRAY_FILTER_USE_KEY);
        $this->assertNotEmpty($expected);
        $this->assertEquals($expected, $this->importedLines());
    }

    /** @return list<int> */
    private function customerIdsImported(): array
    {
        return array_map('intval', array_keys($this->imported('customers')));
    }
}
