<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\EventManager;
use Bitrix\Main\EventResult;
use Rustbox\Mindbox\ConfigurationException;
use Rustbox\Mindbox\Mindbox;

/** How site code extends the module: the client facade, per-site settings, and the module's own events. */
final class ExtensionPointsTest extends ModuleTestCase
{
    public function testTheFacadeGivesAClientConfiguredFromTheSitesSettings(): void
    {
        $this->shop->configure([
            'api_url' => 'https://api.mindbox.cloud/',
            'timeout' => '2.5',
            'outbox_path' => '/var/lib/mindbox/shop.sqlite',
            'op_set_cart' => 'Website.SetCartV2',
            'auth_scheme' => 'legacy',
            'history_imports_per_hour' => '12',
        ]);
        $this->shop->configure(['endpoint_id' => 'outlet-website', 'secret_key' => 'outlet-secret'], 's2');

        $this->assertSame(Mindbox::client('s1'), Mindbox::client('s1'), 'one client per site and process');
        Mindbox::client('s2');

        $this->assertSame([
            'endpointId' => 'shop-website',
            'secretKey' => 'test-secret',
            'baseUrl' => 'https://api.mindbox.cloud',
            'operations' => [
                'createOrder' => 'Website.CreateOrder',
                'updateOrder' => 'Website.UpdateOrder',
                'registerCustomer' => 'Website.Register',
                'updateCustomer' => 'Website.UpdateProfile',
                'setCart' => 'Website.SetCartV2',
                'subscribeEmail' => 'Website.SubscribeEmail',
                'getCustomerBalance' => 'Website.GetCustomerBalance',
            ],
            'timeout' => 2.5,
            'outbox' => '/var/lib/mindbox/shop.sqlite',
            'authScheme' => 'legacy',
            'bulkImportsPerHour' => 12,
        ], $this->configs[0]);
        $this->assertSame(['outlet-website', 'outlet-secret'], [$this->configs[1]['endpointId'], $this->configs[1]['secretKey']]);
    }

    /** The outbox holds customers' personal data: without a setting it goes where the site keeps its secrets. */
    public function testWithoutAnOutboxSettingTheOutboxIsInTheSitesOwnPrivateDirectory(): void
    {
        $this->shop->configure(['outbox_path' => '']);

        Mindbox::client('s1');

        if ((string)ini_get('mindbox.outbox') !== '') {
            $this->assertArrayNotHasKey('outbox', $this->configs[0], 'the server-wide ini setting wins');
            return;
        }
        $this->assertSame(
            $this->shop->documentRoot . '/bitrix/php_interface/rustbox.mindbox/outbox.sqlite',
            $this->configs[0]['outbox'],
        );
    }

    public function testTheFacadeDefaultsToTheCurrentSite(): void
    {
        $this->shop->configure(['endpoint_id' => 'outlet-website'], 's2');
        $this->shop->visit([], '198.51.100.7', 's2');
        Mindbox::client();
        $this->assertSame('outlet-website', $this->configs[0]['endpointId']);
    }

    public function testTheFacadeRefusesAnUnconfiguredSite(): void
    {
        $this->shop->configure(['secret_key' => ''], 's2');
        \Bitrix\Main\Config\Option::set('rustbox.mindbox', 'secret_key', '');
        $this->expectException(ConfigurationException::class);
        Mindbox::client('s2');
    }

    public function testOnBeforeSendMayChangeTheBodyAndTheOptions(): void
    {
        $seen = [];
        EventManager::getInstance()->addEventHandler('rustbox.mindbox', 'OnBeforeSend', static function ($event) use (&$seen) {
            $seen[] = [$event->getParameter('operation'), $event->getParameter('siteId')];
            $body = $event->getParameter('body');
            $body['order']['customFields'] = ['deliveryType' => 'courier'];
            return new EventResult(EventResult::SUCCESS, ['body' => $body, 'options' => ['transactionId' => 'f47ac10b-58cc-4372-a567-0e02b2c3d479']]);
        });

        $this->shop->placeOrder($this->shop->existingCustomer(), 'anna@example.com', '');

        $this->assertSame([['create_order', 's1']], $seen);
        [[, $body, $options]] = $this->sent();
        $this->assertSame(['deliveryType' => 'courier'], $body['order']['customFields']);
        $this->assertSame(['transactionId' => 'f47ac10b-58cc-4372-a567-0e02b2c3d479'], $options);
    }

    public function testOnBeforeSendMayCancelASend(): void
    {
        EventManager::getInstance()->addEventHandler('rustbox.mindbox', 'OnBeforeSend', static function ($event) {
            return $event->getParameter('operation') === 'create_order' ? new EventResult(EventResult::ERROR) : null;
        });
        $order = $this->shop->placeOrder($this->shop->existingCustomer(), 'anna@example.com', '');
        $order->setField('STATUS_ID', 'P');
        $order->save();

        $this->assertSame(['Website.UpdateOrderStatus'], $this->sentOperations());
    }
}
