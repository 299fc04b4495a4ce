<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

/** main's user events → registerCustomer, updateCustomer and the authorize operation. */
final class UserHandlerTest extends ModuleTestCase
{
    private const DEVICE = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

    public function testSelfRegistrationIsSentOnceThoughAddAndRegisterBothFire(): void
    {
        $this->shop->visit(['mindboxDeviceUUID' => self::DEVICE]);
        (new \CUser())->Register('anna', 'Anna', 'Petrova', 'secret1', 'secret1', 'anna@example.com', 's1', '', 0, false, '+79001234567');

        $this->assertSame([[
            'registerCustomer',
            ['customer' => [
                'ids' => ['websiteID' => '1'],
                'email' => 'anna@example.com',
                'firstName' => 'Anna',
                'lastName' => 'Petrova',
                'mobilePhone' => '+79001234567',
            ]],
            ['deviceUUID' => self::DEVICE, 'customerIp' => '198.51.100.7'],
        ]], $this->sent());
    }

    public function testAFailedRegistrationSendsNothing(): void
    {
        (new \CUser())->Register('anna', 'Anna', '', 'secret1', 'other', 'anna@example.com');
        (new \CUser())->Add(['LOGIN' => '', 'EMAIL' => 'bad@example.com']);

        $this->assertSame([], $this->sent());
    }

    public function testCheckoutAutoRegistrationAndAdminCreatedUsersAreRegistered(): void
    {
        $this->shop->visit(['mindboxDeviceUUID' => self::DEVICE]);
        (new \CUser())->Add(['LOGIN' => 'buyer', 'EMAIL' => 'buyer@example.com', 'NAME' => 'Ivan', 'LID' => 's1']);
        $this->shop->visit(['mindboxDeviceUUID' => 'the-managers-own-browser'], '10.0.0.5', 's1', true);
        (new \CUser())->Add(['LOGIN' => 'made-by-admin', 'EMAIL' => 'made@example.com', 'PERSONAL_BIRTHDAY' => '31.12.1990']);

        [$checkout, $admin] = $this->sent();
        $this->assertSame(['ids' => ['websiteID' => '1'], 'email' => 'buyer@example.com', 'firstName' => 'Ivan'], $checkout[1]['customer']);
        $this->assertSame(self::DEVICE, $checkout[2]['deviceUUID']);
        $this->assertSame(['ids' => ['websiteID' => '2'], 'email' => 'made@example.com', 'birthDate' => '1990-12-31'], $admin[1]['customer']);
        $this->assertSame([], $admin[2], 'nothing of the manager\'s browser');
    }

    public function testAProfileUpdateSendsOnlyTheFieldsPassedIn(): void
    {
        $user = new \CUser();
        $id = $user->Add(['LOGIN' => 'anna', 'EMAIL' => 'anna@example.com', 'NAME' => 'Anna']);
        $this->calls = [];

        $user->Update($id, ['PERSONAL_PHONE' => '8 900 000-00-01']);
        $user->Update($id, ['LAST_LOGIN' => '27.11.2026 10:00:00']);
        $user->Update(999, ['NAME' => 'Nobody']);

        $this->assertSame([[
            'updateCustomer',
            ['customer' => ['ids' => ['websiteID' => (string)$id], 'mobilePhone' => '8 900 000-00-01']],
            ['customerIp' => '198.51.100.7'],
        ]], $this->sent());
    }

    public function testLogInSendsTheAuthorizeOperationWithTheDeviceSoAnonymousActivityMerges(): void
    {
        $id = (new \CUser())->Add(['LOGIN' => 'anna', 'EMAIL' => 'anna@example.com']);
        $this->calls = [];
        $this->shop->configure(['op_authorize' => 'Website.AuthorizeCustomerOnSite']);
        $this->shop->visit(['mindboxDeviceUUID' => self::DEVICE]);

        $this->shop->logIn($id);

        $this->assertSame([[
            'Website.AuthorizeCustomerOnSite',
            ['customer' => ['ids' => ['websiteID' => (string)$id]]],
            ['deviceUUID' => self::DEVICE, 'customerIp' => '198.51.100.7'],
        ]], $this->sent());
        $this->assertSame('send', end($this->calls)['method']);
    }
}
