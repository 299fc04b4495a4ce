<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

/** main's user events → registerCustomer, updateCustomer and the authorize operation. */
final class UserHandlerTest extends ModuleTestCase
{
    private const DEVICE = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

    /**
     * The extension decides what of a phone field is a phone.
     *
     * @requires extension mindbox
     */
    public function testSelfRegistrationIsSentOnceThoughAddAndRegisterBothFire(): void
    {
        $this->shop->visit(['mindboxDeviceUUID' => self::DEVICE]);
        (new \CUser())->Register('anna', 'Anna', 'Petrova', 'secret1', 'secret1', 'anna@example.com', 's1', '', 0, false, '+79001234567');

        // Register() logs an active user in before OnAfterUserRegister, hence the authorize after the registration.
        $this->assertSame([[
            'registerCustomer',
            ['customer' => [
                'ids' => ['websiteID' => '1'],
                'email' => 'anna@example.com',
                'firstName' => 'Anna',
                'lastName' => 'Petrova',
                'mobilePhone' => '79001234567',
            ]],
            ['deviceUUID' => self::DEVICE, 'customerIp' => '198.51.100.7'],
        ], [
            'Website.AuthorizeCustomer',
            ['customer' => ['ids' => ['websiteID' => '1']]],
            ['deviceUUID' => self::DEVICE, 'customerIp' => '198.51.100.7'],
        ]], $this->sent());
    }

    public function testTechnicalInactiveAndAnonymousUsersNeverReachMindboxAsCustomers(): void
    {
        $user = new \CUser();
        $bot = $user->Add(['LOGIN' => 'bot-1', 'EMAIL' => 'bot@example.com', 'EXTERNAL_AUTH_ID' => 'bot']);
        $mailbox = $user->Add(['LOGIN' => 'imap-1', 'EMAIL' => 'imap@example.com', 'EXTERNAL_AUTH_ID' => 'email']);
        $inactive = $user->Add(['LOGIN' => 'later', 'EMAIL' => 'later@example.com', 'ACTIVE' => 'N']);
        $anonymous = (int)\CSaleUser::GetAnonymousUserID();
        $this->assertGreaterThan(0, $anonymous);
        foreach ([$bot, $mailbox, $inactive, $anonymous] as $id) {
            $user->Update($id, ['NAME' => 'Changed', 'PERSONAL_PHONE' => '+7 900 000-00-00']);
        }
        $user->Authorize($bot);

        $this->assertSame([], $this->sent());
    }

    public function testAUserWhoConfirmsTheirEmailIsRegisteredOnActivation(): void
    {
        \Bitrix\Main\Config\Option::set('main', 'new_user_registration_email_confirmation', 'Y');
        $this->shop->visit(['mindboxDeviceUUID' => self::DEVICE]);
        $registration = (new \CUser())->Register('anna', 'Anna', 'Petrova', 'secret1', 'secret1', 'anna@example.com', 's1');
        $id = (int)$registration['ID'];
        $this->assertSame([], $this->sent(), 'an account waiting for confirmation is no customer yet');

        // What bitrix:system.auth.confirmation does with the link from the e-mail.
        (new \CUser())->Update($id, ['ACTIVE' => 'Y', 'CONFIRM_CODE' => '']);
        (new \CUser())->Update($id, ['ACTIVE' => 'Y']);

        $this->assertSame([[
            'registerCustomer',
            ['customer' => ['ids' => ['websiteID' => (string)$id], 'email' => 'anna@example.com', 'firstName' => 'Anna', 'lastName' => 'Petrova']],
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

    /**
     * The extension decides what of a phone field is a phone.
     *
     * @requires extension mindbox
     */
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
            ['customer' => ['ids' => ['websiteID' => (string)$id], 'mobilePhone' => '89000000001']],
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

    public function testThe1cExchangeUnderBitrixAdminIsNoVisitorThoughTheCoreDoesNotCallItTheAdminSection(): void
    {
        $id = $this->shop->existingCustomer();
        $this->shop->visit(['mindboxDeviceUUID' => 'the-exchange-servers-own'], '10.0.0.9', page: '/bitrix/admin/1c_exchange.php');
        $this->assertFalse(\Bitrix\Main\Context::getCurrent()->getRequest()->isAdminSection());

        (new \CUser())->Update($id, ['NAME' => 'Anna']);

        $this->assertSame([['updateCustomer', ['customer' => ['ids' => ['websiteID' => (string)$id], 'firstName' => 'Anna']], []]], $this->sent());
    }
}
