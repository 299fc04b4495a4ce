<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\EventManager;
use Rustbox\Mindbox\Mindbox;

/** The module never breaks the shop: whatever the client throws stays in the event log. */
final class SafetyTest extends ModuleTestCase
{
    public static function failures(): array
    {
        return [
            'outbox not writable' => [new \MindboxOutboxException('cannot open outbox /var/lib/mindbox/outbox.sqlite: Permission denied')],
            'invalid body' => [new \MindboxInvalidArgumentException('order.lines[0].quantity: must be a number')],
            'any bug' => [new \TypeError('unexpected')],
        ];
    }

    /** @dataProvider failures */
    public function testAThrowingClientNeverStopsAnOrderOrARegistration(\Throwable $failure): void
    {
        $this->clientFailure = $failure;
        $this->shop->visit(['mindboxDeviceUUID' => 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee']);

        $userId = (new \CUser())->Add(['LOGIN' => 'anna', 'EMAIL' => 'anna@example.com']);
        $this->shop->logIn($userId);
        $this->shop->fillCart([[10, 'SKU-10', 1, 10.0, 0.0]]);
        $order = $this->shop->placeOrder($userId, 'anna@example.com', '');

        $this->assertGreaterThan(0, $userId);
        $this->assertGreaterThan(0, $order->getId());
        $log = \CEventLog::fakeEntries();
        $this->assertCount(4, $log, 'register, authorize, cart, order: each failure logged');
        foreach ($log as $entry) {
            $this->assertSame('rustbox.mindbox', $entry['MODULE_ID']);
            $this->assertSame('ERROR', $entry['SEVERITY']);
            $this->assertSame(get_class($failure) . ': ' . $failure->getMessage(), $entry['DESCRIPTION']);
        }
        $this->assertSame(
            ['main:OnAfterUserAdd', 'main:OnAfterUserAuthorize', 'sale:OnSaleBasketSaved', 'sale:OnSaleOrderSaved'],
            array_column($log, 'ITEM_ID')
        );
    }

    public function testWithoutTheExtensionHandlersDoNothingAndSayWhyInTheEventLog(): void
    {
        if (extension_loaded('mindbox')) {
            $this->markTestSkipped('needs a PHP without the mindbox extension');
        }
        Mindbox::setClientFactory(null);

        $this->shop->fillCart([[10, 'SKU-10', 1, 10.0, 0.0]]);
        $order = $this->shop->placeOrder($this->shop->existingCustomer(), 'anna@example.com', '');

        $this->assertGreaterThan(0, $order->getId());
        $this->assertStringContainsString('The PHP extension "mindbox" is not loaded', implode("\n", $this->eventLogDescriptions()));
    }

    public function testAnUnconfiguredSiteSendsNothingAndLogsNothing(): void
    {
        $this->shop->configure(['endpoint_id' => ''], 's2');
        \Bitrix\Main\Config\Option::set('rustbox.mindbox', 'endpoint_id', '');
        $this->shop->fillCart([[10, 'SKU-10', 1, 10.0, 0.0]], 's2');
        $this->shop->placeOrder($this->shop->existingCustomer(), 'anna@example.com', '', 0.0, 's2');

        $this->assertSame([], $this->sent());
        $this->assertSame([], $this->eventLogDescriptions());
    }

    public function testAHandlerOfTheModulesOwnEventThatThrowsIsContainedToo(): void
    {
        EventManager::getInstance()->addEventHandler('rustbox.mindbox', 'OnBeforeSend', static function (): void {
            throw new \RuntimeException('site code failed');
        });
        $this->shop->placeOrder($this->shop->existingCustomer(), 'anna@example.com', '');

        $this->assertSame(['RuntimeException: site code failed'], $this->eventLogDescriptions());
    }
}
