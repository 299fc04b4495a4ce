<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxInvalidArgumentException;
use MindboxTests\Support\EmulatorTestCase;

/**
 * getCustomerBalance() and getBalances() over the answers Mindbox may give.
 */
final class BalanceTest extends EmulatorTestCase
{
    private const CUSTOMER = ['ids' => ['websiteID' => '42']];

    public function testBothNamingsInAnyOrderWithUnknownFields(): void
    {
        self::emulator()->script('Website.GetCustomerBalance', ['status' => 'Success', 'balances' => [
            ['balanceType' => ['ids' => ['systemName' => 'Bonus'], 'name' => 'Bonus'], 'availableValue' => 15.5, 'blockedValue' => 1, 'totalValue' => 16.5, 'expiring' => []],
            ['balanceType' => ['ids' => ['systemName' => 'Main']], 'available' => 1234.56, 'blocked' => 0, 'total' => 1234.56, 'whatever' => true],
        ]]);
        $client = $this->client();
        self::assertSame(15.5, $client->getCustomerBalance(self::CUSTOMER, 'Bonus'));
        self::assertSame(1234.56, $client->getCustomerBalance(self::CUSTOMER, 'Main'));
        self::assertSame(1234.56, $client->getCustomerBalance(self::CUSTOMER));
        self::assertSame(0.0, $client->getCustomerBalance(self::CUSTOMER, 'Missing'));
        self::assertSame([
            ['systemName' => 'Bonus', 'available' => 15.5, 'blocked' => 1.0, 'total' => 16.5],
            ['systemName' => 'Main', 'available' => 1234.56, 'blocked' => 0.0, 'total' => 1234.56],
        ], $client->getBalances(self::CUSTOMER));

        $request = self::emulator()->journal()[0];
        self::assertSame('Website.GetCustomerBalance', $request['operation']);
        self::assertSame('sync', $request['endpoint']);
        self::assertSame(['customer' => self::CUSTOMER], $request['body']);
    }

    public function testAnEmptyAnswerMeansNoPoints(): void
    {
        self::emulator()->script('Website.GetCustomerBalance', ['status' => 'Success']);
        self::assertSame(0.0, $this->client()->getCustomerBalance(self::CUSTOMER));
        self::assertSame([], $this->client()->getBalances(self::CUSTOMER));
    }

    public function testSeveralBalancesWithoutMainNeedAType(): void
    {
        self::emulator()->script('Website.GetCustomerBalance', ['status' => 'Success', 'balances' => [
            ['balanceType' => ['ids' => ['systemName' => 'A']], 'available' => 1],
            ['balanceType' => ['ids' => ['systemName' => 'B']], 'available' => 2],
        ]]);
        $this->expectException(MindboxInvalidArgumentException::class);
        $this->expectExceptionMessage('A, B');
        $this->client()->getCustomerBalance(self::CUSTOMER);
    }

    public function testTheOperationNameCanBeOverridden(): void
    {
        self::emulator()->script('Shop.Balance', ['status' => 'Success', 'balances' => [['systemName' => 'Main', 'available' => '7']]]);
        $client = $this->client(['operations' => ['getCustomerBalance' => 'Shop.Balance']]);
        self::assertSame(7.0, $client->getCustomerBalance(self::CUSTOMER));
        self::assertSame('Shop.Balance', self::emulator()->journal()[0]['operation']);
    }
}
