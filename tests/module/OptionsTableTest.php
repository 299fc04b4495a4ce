<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Rustbox\Mindbox\Admin\OptionsForm;
use Rustbox\Mindbox\Config\LoyaltyMode;
use Rustbox\Mindbox\Config\Operation;
use Rustbox\Mindbox\Config\Options;
use Rustbox\Mindbox\Mindbox;

/** Config\Options is the one table of the module's options: the core's defaults, the settings and the form agree. */
final class OptionsTableTest extends ModuleTestCase
{
    /** The core includes default_option.php by path, before anything of the module is loaded: in a bare PHP here. */
    public function testDefaultOptionPhpGivesTheCoreTheTablesDefaultsWithoutTheModuleLoaded(): void
    {
        $file = dirname(__DIR__, 2) . '/bitrix-module/default_option.php';
        $code = 'include ' . var_export($file, true) . '; echo json_encode($rustbox_mindbox_default_option);';
        exec(escapeshellarg(PHP_BINARY) . ' -n -r ' . escapeshellarg($code), $out, $status);

        $this->assertSame(0, $status);
        $this->assertSame(Options::defaults(), json_decode(implode('', $out), true));
    }

    public function testTheFormShowsEveryOptionOfTheTableInItsOrder(): void
    {
        $this->assertSame(array_keys(Options::TABLE), array_keys(OptionsForm::fields()));
        foreach (Options::TABLE as $name => [$default, $type, $tab]) {
            $this->assertSame([$type, $tab], [OptionsForm::fields()[$name]['type'], OptionsForm::fields()[$name]['group']], $name);
        }
    }

    public function testEveryDefaultIsAValueTheFormWouldSave(): void
    {
        foreach (Options::TABLE as $name => [$default, $type]) {
            match ($type) {
                'select' => $this->assertArrayHasKey($default, OptionsForm::choices($name), $name),
                'yesno' => $this->assertContains($default, ['Y', 'N'], $name),
                'number' => $this->assertGreaterThan(0, (float)$default, $name),
                'events' => $this->assertSame([], array_diff(explode(',', $default), array_column(Operation::cases(), 'value')), $name),
                default => null,
            };
        }
        $this->assertSame(array_column(LoyaltyMode::cases(), 'value'), array_keys(OptionsForm::choices('loyalty_mode')));
    }

    /** A value the settings cannot use is the table's default, not a number of their own. */
    public function testUnusableValuesFallBackToTheTablesDefaults(): void
    {
        $this->shop->configure(['balance_timeout' => 'soon', 'breaker_seconds' => '-1', 'unsaved_cancel_seconds' => '0', 'loyalty_mode' => 'both']);
        $settings = Mindbox::settings('s1');

        $this->assertSame(2.0, $settings->checkoutTimeout());
        $this->assertSame(60.0, $settings->breakerSeconds());
        $this->assertSame(900.0, $settings->unsavedCancelSeconds());
        $this->assertSame(LoyaltyMode::Standard, $settings->loyaltyMode());
        $this->shop->configure(['loyalty_mode' => 'processing']);
        $this->assertSame(LoyaltyMode::Processing, Mindbox::settings('s1')->loyaltyMode());
    }

    public function testTheClientIsGivenTheOperationNameOfEveryHelper(): void
    {
        $this->shop->configure(['op_set_cart' => 'Shop.Cart', 'op_get_balance' => 'Shop.Balance']);

        $this->assertSame([
            'createOrder' => 'Website.CreateOrder',
            'updateOrder' => 'Website.UpdateOrder',
            'registerCustomer' => 'Website.Register',
            'updateCustomer' => 'Website.UpdateProfile',
            'setCart' => 'Shop.Cart',
            'subscribeEmail' => 'Website.SubscribeEmail',
            'getCustomerBalance' => 'Shop.Balance',
        ], Mindbox::settings('s1')->clientConfig()['operations']);
    }
}
