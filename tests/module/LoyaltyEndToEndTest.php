<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Event;
use Rustbox\Mindbox\Loyalty\Balance;
use Rustbox\Mindbox\Mappers\OrderMapper;
use Rustbox\Mindbox\Mindbox;

/**
 * Loyalty through the real extension to the Mindbox emulator: the balance as Mindbox words it, points at checkout
 * with Mindbox not answering, and the order with its points delivered once however often it is sent.
 */
final class LoyaltyEndToEndTest extends EndToEndTestCase
{
    private const USER = 42;

    protected function setUp(): void
    {
        parent::setUp();
        $this->shop->configure(['loyalty_enabled' => 'Y']);
    }

    private static function balanceEntry(string $systemName, float $available, bool $valueNaming = false): array
    {
        $suffix = $valueNaming ? 'Value' : '';
        return [
            'balanceType' => ['ids' => ['systemName' => $systemName], 'name' => $systemName],
            'available' . $suffix => $available,
            'blocked' . $suffix => 0,
            'total' . $suffix => $available,
        ];
    }

    /** The balance the module gets in a new hit, in kopecks (null: unavailable). */
    private function balance(array $answer): ?int
    {
        self::$emulator->script('Website.GetCustomerBalance', $answer);
        $this->shop->visit();
        return Balance::of(Mindbox::settings('s1'), self::USER);
    }

    public function testBalancesInBothFieldNamings(): void
    {
        $this->assertSame(15025, $this->balance(['status' => 'Success', 'balances' => [self::balanceEntry('Main', 150.25, true)]]));
        $this->assertSame(9999, $this->balance(['status' => 'Success', 'balances' => [self::balanceEntry('Main', 99.99)]]));

        $calls = self::$emulator->journal(['operation' => 'Website.GetCustomerBalance']);
        $this->assertCount(2, $calls);
        $this->assertSame('sync', $calls[0]['endpoint']);
        $this->assertSame(['customer' => ['ids' => ['websiteID' => '42']]], $calls[0]['body']);
    }

    public function testTheConfiguredBalanceTypeAmongSeveralInAnyOrder(): void
    {
        $this->shop->configure(['balance_type' => 'Bonus']);
        $main = self::balanceEntry('Main', 1000.0);
        $bonus = self::balanceEntry('Bonus', 15.5, true);

        $this->assertSame(1550, $this->balance(['status' => 'Success', 'balances' => [$main, $bonus]]));
        $this->assertSame(1550, $this->balance(['status' => 'Success', 'balances' => [$bonus, $main]]));
    }

    public function testAMissingBalanceTypeIsNoPoints(): void
    {
        $this->shop->configure(['balance_type' => 'Gift']);
        $this->assertSame(0, $this->balance(['status' => 'Success', 'balances' => [self::balanceEntry('Main', 300.0), self::balanceEntry('Bonus', 5.0)]]));
    }

    public function testAnEmptyAnswerIsNoPoints(): void
    {
        $this->assertSame(0, $this->balance(['status' => 'Success']));
        $this->assertSame(0, $this->balance(['status' => 'Success', 'balances' => []]));
        $this->assertSame([], array_column(\CEventLog::fakeEntries(), 'DESCRIPTION'));
    }

    public function testAComponentOnThePageShowsTheBalanceMindboxGave(): void
    {
        self::$emulator->script('Website.GetCustomerBalance', ['status' => 'Success', 'balances' => [self::balanceEntry('Main', 1234.5, true)]]);
        $this->logIn();
        $this->shop->visit();

        $this->assertSame('Your points: 1 234.50', trim(strip_tags($this->shop->render('rustbox:mindbox.balance'))));
    }

    private function logIn(): void
    {
        $userId = (int)(new \CUser())->Add(['LOGIN' => 'anna', 'EMAIL' => 'anna@example.com']);
        $this->shop->logIn($userId);
    }


    /**
     * Delivers the outbox until the emulator settled $count calls of $operation (processed, or recognised as a
     * duplicate) or $seconds passed, and returns every call of it in arrival order. Polling, because a retried item
     * is due only after its backoff, and the extension's background thread may deliver it instead of flush().
     *
     * @return list<array>
     */
    private function callsOf(string $operation, int $count, float $seconds = 15.0): array
    {
        $deadline = microtime(true) + $seconds;
        do {
            Mindbox::client('s1')->flush(1.0);
            $calls = self::$emulator->journal(['operation' => $operation]);
            $settled = array_filter($calls, static fn (array $c) => in_array($c['outcome'], ['processed', 'duplicate'], true));
            if (count($settled) >= $count) {
                break;
            }
            usleep(200_000);
        } while (microtime(true) < $deadline);
        usort($calls, static fn (array $a, array $b) => $a['seq'] <=> $b['seq']);
        return $calls;
    }

    public function testWithMindboxNotAnsweringTheCheckoutCompletesWithoutPointsWithinTheTimeout(): void
    {
        $timeout = 1.0;
        $this->shop->configure(['balance_timeout' => (string)$timeout]);
        $this->logIn();
        $this->shop->fillCart([[1, 'SKU-1', 1, 1000.0, 0.0], [2, 'SKU-2', 1, 1000.0, 0.0]]);
        self::$emulator->faults(['rules' => [['kind' => 'hang', 'operation' => 'Website.GetCustomerBalance']]]);

        $started = microtime(true);
        $refresh = $this->checkoutHit('100', false)['result'];
        $refreshSeconds = microtime(true) - $started;
        $started = microtime(true);
        ['order' => $order] = $this->checkoutHit('100', true);
        $placeSeconds = microtime(true) - $started;

        // The margin is generous: benchmarks may share this machine. What matters is "seconds", not "hangs".
        $this->assertLessThan($timeout + 1.5, $refreshSeconds);
        $this->assertGreaterThanOrEqual($timeout * 0.9, $refreshSeconds, 'the balance was really asked for, and waited on');
        $this->assertLessThan(0.5, $placeSeconds, 'the breaker is open: placing the order does not wait again');
        $this->assertCount(1, self::$emulator->journal(['operation' => 'Website.GetCustomerBalance']));
        $this->assertFalse($refresh['JS_DATA']['RUSTBOX_MINDBOX']['AVAILABLE']);
        $this->assertStringStartsWith('Points are unavailable right now', $refresh['JS_DATA']['RUSTBOX_MINDBOX']['MESSAGE']);
        $this->assertGreaterThan(0, $order->getId());
        $this->assertSame(2000.0, $order->getPrice());
        $this->assertSame(2000.0, $refresh['JS_DATA']['TOTAL']['ORDER_TOTAL_PRICE']);
        $log = \CEventLog::fakeEntries();
        $this->assertSame(['WARNING'], array_column($log, 'SEVERITY'));
        $this->assertStringStartsWith('MindboxUnavailableException', $log[0]['DESCRIPTION']);

        self::$emulator->clearFaults();
        [$created] = array_values(array_filter($this->callsOf('Website.CreateOrder', 1), static fn (array $c) => $c['outcome'] === 'processed'));
        $this->assertSame((string)$order->getId(), $created['body']['order']['ids']['websiteID']);
        $this->assertSame(2000.0, (float)$created['body']['order']['totalPrice']);
        $this->assertSame([], array_filter(array_column($created['body']['order']['lines'], 'discounts')), 'no points on any line');
    }

    public function testTheOrderCarriesThePointsSpentAndARedeliveryReusesItsTransactionId(): void
    {
        self::$emulator->script('Website.GetCustomerBalance', ['status' => 'Success', 'balances' => [self::balanceEntry('Main', 500.0)]]);
        // The first delivery of the order fails as an overloaded Mindbox would; the outbox tries again later.
        self::$emulator->faults(['rules' => [['kind' => 'status', 'status' => 503, 'operation' => 'Website.CreateOrder', 'times' => 1]]]);
        $this->logIn();
        $this->shop->fillCart([[1, 'SKU-1', 1, 1000.0, 0.0], [2, 'SKU-2', 1, 1000.0, 0.0], [3, 'SKU-3', 1, 1000.0, 0.0]]);

        ['order' => $order] = $this->checkoutHit('100', true);
        $calls = $this->callsOf('Website.CreateOrder', 1);

        $this->assertSame(['fault', 'processed'], array_column($calls, 'outcome'));
        $transactionId = (new OrderMapper(Mindbox::settings('s1')))->creationTransactionId($order);
        $this->assertSame([$transactionId, $transactionId], array_column(array_column($calls, 'query'), 'transactionId'));
        $body = $calls[1]['body'];
        $this->assertSame(2900.0, (float)$body['order']['totalPrice']);
        self::assertBody([
            [['type' => 'balance', 'amount' => 33.33]],
            [['type' => 'balance', 'amount' => 33.33]],
            [['type' => 'balance', 'amount' => 33.34]],
        ], array_column($body['order']['lines'], 'discounts'));

        // The creation sent again, e.g. by the event firing twice, is the same transaction: no second spending.
        (new Event('sale', 'OnSaleOrderSaved', ['ENTITY' => $order, 'IS_NEW' => true, 'IS_CHANGED' => true, 'VALUES' => []]))->send();
        $again = $this->callsOf('Website.CreateOrder', 2);
        $this->assertSame(['fault', 'processed', 'duplicate'], array_column($again, 'outcome'));
        $this->assertSame([$transactionId], array_values(array_unique(array_column(array_column($again, 'query'), 'transactionId'))));
    }
}
