<?php

declare(strict_types=1);

namespace MindboxTests\StubsOnly;

use MindboxClientInterface;
use MindboxProtocolException;
use PHPUnit\Framework\TestCase;

/**
 * How a shop tests its own code: only php-stubs/mindbox.php is loaded, no extension.
 */
final class MockTest extends TestCase
{
    public function testTheExtensionIsNotLoaded(): void
    {
        self::assertFalse(extension_loaded('mindbox'));
    }

    public function testTheInterfaceCanBeMocked(): void
    {
        $client = $this->createMock(MindboxClientInterface::class);
        $client->expects(self::once())
            ->method('getCustomerBalance')
            ->with(['ids' => ['websiteID' => '42']], 'Main')
            ->willReturn(150.0);
        $client->method('call')->willThrowException(new MindboxProtocolException('limit', 0));

        self::assertSame(150.0, (new LoyaltyWidget($client))->points('42'));
        $this->expectException(MindboxProtocolException::class);
        $client->call('Website.Ping', []);
    }

    public function testHeldPointsAndWithdrawalCanBeMocked(): void
    {
        $client = $this->createMock(MindboxClientInterface::class);
        $client->method('getCustomerBalance')->willReturn(500.0);
        $client->expects(self::once())->method('heldPoints')->with('customer:42')->willReturn(150.0);
        $client->expects(self::once())->method('withdraw')->willReturn(true);

        self::assertSame(350.0, (new LoyaltyWidget($client))->spendable('42'));
        self::assertTrue($client->withdraw('0f8fad5b-d9cb-469f-a165-70867728950e'));
    }
}

/** Stands for a shop's own class that depends on the client. */
final class LoyaltyWidget
{
    public function __construct(private MindboxClientInterface $client)
    {
    }

    public function points(string $userId): float
    {
        return $this->client->getCustomerBalance(['ids' => ['websiteID' => $userId]], 'Main');
    }

    /** The balance less what orders not yet delivered to Mindbox will spend. */
    public function spendable(string $userId): float
    {
        return $this->points($userId) - $this->client->heldPoints('customer:' . $userId);
    }
}
