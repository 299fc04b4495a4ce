<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Config\Option;
use Bitrix\Sale\Order;
use Rustbox\Mindbox\Admin\OptionsForm;
use Rustbox\Mindbox\Admin\OutboxPage;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Shop\PointsDiscount;

/** The settings page's form, the outbox page's actions and the order pages' tab (OrderTabTest: end to end). */
final class AdminTest extends ModuleTestCase
{
    public function testTheSharedScopeSavesEveryFieldAndKeepsTheSecretWhenLeftEmpty(): void
    {
        $errors = (new OptionsForm(''))->save([
            'endpoint_id' => ' new-endpoint ',
            'secret_key' => '',
            'api_url' => 'https://api.mindbox.cloud',
            'enabled_events' => ['set_cart', 'register', 'bogus'],
            'tracker_enabled' => 'N',
            'status_map' => '{"N": "CheckedOut"}',
        ]);

        $this->assertSame([], $errors);
        $this->assertSame('new-endpoint', Option::get('rustbox.mindbox', 'endpoint_id'));
        $this->assertSame('test-secret', Option::get('rustbox.mindbox', 'secret_key'));
        $this->assertSame('register,set_cart', Option::get('rustbox.mindbox', 'enabled_events'));
        $this->assertSame('N', Option::get('rustbox.mindbox', 'tracker_enabled'));
        $this->assertSame('', (new OptionsForm(''))->values()['secret_key'], 'the key is never shown');
    }

    public function testASiteStoresOnlyWhatDiffersFromTheSharedValues(): void
    {
        (new OptionsForm('s2'))->save(['endpoint_id' => 'outlet', 'op_set_cart' => 'Website.SetCart', 'timeout' => '']);

        $this->assertSame(['endpoint_id' => 'outlet'], Option::fakeAll()['rustbox.mindbox']['s2']);
        $this->assertSame('outlet', (new OptionsForm('s2'))->values()['endpoint_id']);
        $this->assertSame('shop-website', (new OptionsForm('s1'))->values()['endpoint_id']);
    }

    public function testInvalidValuesAreRefusedWithAMessageAndLeftAlone(): void
    {
        $errors = (new OptionsForm(''))->save(['status_map' => '{not json', 'timeout' => '-1', 'api_url' => 'ftp://x', 'product_id_source' => 'CODE']);

        $this->assertCount(4, $errors);
        $this->assertContains('"Order status mapping" was not saved: a JSON object is needed', $errors);
        $this->assertSame(json_encode(self::STATUS_MAP), Option::get('rustbox.mindbox', 'status_map'));
        $this->assertSame('5', Option::get('rustbox.mindbox', 'timeout'));
    }

    public function testTheLoyaltyOptionsAreCheckedWhenSavedAndEveryChoiceHasALabel(): void
    {
        $this->assertSame([], (new OptionsForm(''))->save(['loyalty_mode' => 'processing', 'balance_timeout' => '1.5', 'points_decimals' => '0']));
        $this->assertSame(['processing', '1.5', '0'], [
            Option::get('rustbox.mindbox', 'loyalty_mode'),
            Option::get('rustbox.mindbox', 'balance_timeout'),
            Option::get('rustbox.mindbox', 'points_decimals'),
        ]);

        $errors = (new OptionsForm(''))->save(['loyalty_mode' => 'magic', 'balance_timeout' => '0', 'points_decimals' => '3']);
        $this->assertCount(3, $errors);
        $this->assertSame('processing', Option::get('rustbox.mindbox', 'loyalty_mode'));

        foreach (OptionsForm::fields() as $name => $field) {
            $this->assertNotSame('', $field['title'], $name);
            foreach ($field['type'] === 'select' ? OptionsForm::choices($name) : [] as $value => $label) {
                $this->assertNotSame('', $label, "$name = $value");
            }
        }
        $this->assertSame(['standard', 'processing'], array_keys(OptionsForm::choices('loyalty_mode')));
    }

    public function testTheOutboxPageShowsEachSetupAndRetries(): void
    {
        $this->shop->configure(['endpoint_id' => 'outlet'], 's2');

        $blocks = OutboxPage::overview(['s2' => '250']);
        $this->assertSame(['', 's2'], array_column($blocks, 'siteId'));
        $pages = array_values(array_filter($this->calls, static fn ($c) => $c['method'] === 'failedItems'));
        $this->assertSame([['', [100, 0]], ['s2', [100, 250]]], array_map(static fn ($c) => [$c['site'], $c['args']], $pages), 'each site pages on its own');
        $this->assertSame([null, null], array_column($blocks, 'nextAfter'), 'a short page is the last');
        $this->assertSame($this->outboxStats, $blocks[0]['stats']);

        OutboxPage::retry('s2', ['3', 'x', '7']);
        OutboxPage::retry('', null);
        $retries = array_values(array_filter($this->calls, static fn ($c) => $c['method'] === 'retryFailed'));
        $this->assertSame([['s2', [[3, 7]]], ['', [null]]], array_map(static fn ($c) => [$c['site'], $c['args']], $retries));
    }

    public function testTheOrderTabShowsThePointsSpentOnTheLinesWhetherMindboxWasToldOrNot(): void
    {
        $this->shop->fillCart([[10, 'SKU-10', 2, 1000.0, 100.0], [11, 'SKU-11', 1, 500.0, 0.0]]);
        $order = $this->shop->placeOrder($this->shop->existingCustomer(), 'anna@example.com', '');
        $loaded = Order::load($order->getId());
        PointsDiscount::record($loaded->getBasket(), ['1' => 15000, '2' => 2550]);
        $loaded->save();
        $points = 'Points spent</td><td class="adm-detail-content-cell-r">175.50 (Product 10: 150.00; Product 11: 25.50)';

        $html = $this->shop->openOrderPage($order->getId())['rustbox_mindbox_order'];
        $this->assertStringContainsString($points, $html);
        $this->assertStringContainsString('Delivered', $html);

        $this->snapshots = [];
        $html = $this->shop->openOrderPage($order->getId())['rustbox_mindbox_order'];
        $this->assertStringContainsString('Nothing recorded', $html, 'an order the module never told Mindbox of');
        $this->assertStringContainsString($points, $html);

        $this->shop->configure(['secret_key' => '']);
        Mindbox::reset();
        $html = $this->shop->openOrderPage($order->getId(), edit: true)['rustbox_mindbox_order'];
        $this->assertStringContainsString('Mindbox is not configured for site &quot;s1&quot;', $html);
        $this->assertSame([], $this->eventLogDescriptions(), 'nothing to log: the settings say so');
    }
}
