<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Config\Option;
use Bitrix\Main\Event;
use Bitrix\Main\EventManager;
use Bitrix\Main\ModuleManager;

/** The fake main module (events, modules, options, requests, users, agents, components) behaves as the real one does. */
final class FakeCoreMainTest extends FakeCoreTestCase
{
    public function testGetParameterIsNullForAMissingKey(): void
    {
        $this->assertNull((new Event('sale', 'OnSaleOrderSaved', ['ENTITY' => 1]))->getParameter('IS_CHANGED'));
    }

    public function testD7HandlersGetTheEventAndCompatibleOnesThePositionalValues(): void
    {
        ModuleManager::registerModule('test.module');
        $manager = EventManager::getInstance();
        $manager->registerEventHandler('sale', 'OnSaleOrderSaved', 'test.module', self::class, 'record');
        $manager->registerEventHandlerCompatible('sale', 'OnSaleOrderSaved', 'test.module', self::class, 'record');
        $event = new Event('sale', 'OnSaleOrderSaved', ['ENTITY' => 'order', 'IS_NEW' => true]);
        $event->send();

        $this->assertSame([[$event], ['order', true]], self::$seen);
    }

    public function testRegisteringTwiceKeepsOneRowAndUnregisteredModulesAreIgnored(): void
    {
        $manager = EventManager::getInstance();
        $manager->registerEventHandler('sale', 'OnSaleOrderSaved', 'test.module', self::class, 'record');
        $manager->registerEventHandler('sale', 'OnSaleOrderSaved', 'test.module', self::class, 'record');
        $this->assertCount(1, $manager->fakeRows());
        $this->assertSame([], $manager->findEventHandlers('sale', 'OnSaleOrderSaved'), 'test.module is not installed');
    }

    public function testOldKernelEventsPassTheFieldsByReference(): void
    {
        ModuleManager::registerModule('test.module');
        EventManager::getInstance()->registerEventHandlerCompatible('main', 'OnAfterUserRegister', 'test.module', self::class, 'recordAndChange');

        $result = (new \CUser())->Register('anna', 'Anna', '', 'p', 'p', 'anna@example.com');

        $this->assertSame('changed by a handler', $result);
        $this->assertSame('1', (string)self::$seen[0]['USER_ID']);
    }

    public function testGetIdIsAStringAndAgentsRunWithoutAUser(): void
    {
        $user = new \CUser();
        $user->Authorize($user->Add(['LOGIN' => 'anna']));
        $this->assertSame('1', $GLOBALS['USER']->GetID());

        \CAgent::AddAgent('\\' . self::class . '::agent();', 'main');
        \CAgent::AddAgent('\\' . self::class . '::oneOff();', 'main');
        \CAgent::fakeRunAll();
        $this->assertSame([[null], ['one-off']], self::$seen);
        $this->assertSame(['\\' . self::class . '::agent();'], array_column(\CAgent::fakeRows(), 'NAME'), 'only an agent returning its call stays');
    }

    public static function agent(): string
    {
        self::$seen[] = [$GLOBALS['USER']];
        return '\\' . self::class . '::agent();';
    }

    public static function oneOff(): string
    {
        self::$seen[] = ['one-off'];
        return '';
    }

    public function testOptionsFallBackFromSiteToModuleToDefaultOption(): void
    {
        ModuleManager::registerModule('rustbox.mindbox');
        Option::set('rustbox.mindbox', 'timeout', '7');
        Option::set('rustbox.mindbox', 'timeout', '3', 's2');

        $this->assertSame('3', Option::get('rustbox.mindbox', 'timeout', '', 's2'));
        $this->assertSame('7', Option::get('rustbox.mindbox', 'timeout', '', 's1'));
        $this->assertSame('https://api.mindbox.ru', Option::get('rustbox.mindbox', 'api_url'));
        $this->assertSame('given', Option::get('rustbox.mindbox', 'api_url', 'given'), 'defaults only when "" is passed');
    }

    public function testGetCookieAddsThePrefixAndGetCookieRawDoesNot(): void
    {
        $this->shop->visit(['mindboxDeviceUUID' => 'raw', 'BITRIX_SM_mindboxDeviceUUID' => 'prefixed']);
        $request = \Bitrix\Main\Context::getCurrent()->getRequest();
        $this->assertSame('raw', $request->getCookieRaw('mindboxDeviceUUID'));
        $this->assertSame('prefixed', $request->getCookie('mindboxDeviceUUID'));
        $this->assertNull($request->getCookieRaw('missing'));
    }

    public function testAComponentRunsFromBitrixComponentsWithItsTemplate(): void
    {
        $this->shop->installModule();
        $this->shop->configure(['endpoint_id' => 'e', 'secret_key' => 'k', 'loyalty_enabled' => 'Y']);
        \Rustbox\Mindbox\Mindbox::setClientFactory(fn () => $this->createConfiguredMock(\MindboxClientInterface::class, ['getCustomerBalance' => 7.0]));
        $user = new \CUser();
        $user->Authorize($user->Add(['LOGIN' => 'anna']));
        $this->shop->visit();

        $this->assertSame('Your points: 7.00', trim(strip_tags($this->shop->render('rustbox:mindbox.balance'))));
        $this->assertSame('', $this->shop->render('rustbox:no.such'));
    }

    /** main/lib/orm/data/datamanager.php: the old-name ORM events carry id, fields, object; sender's own are positional. */
    public function testTheSenderModulesEventsCarryTheirRealParameters(): void
    {
        $this->listen('sender', ['MailingSubscriptionOnAfterAdd', 'MailingSubscriptionOnAfterUpdate', 'OnAfterRecipientUnsub']);
        $contact = \Bitrix\Sender\ContactTable::add(['CODE' => 'fan@example.com', 'TYPE_ID' => 1])->getData()['ID'];
        \Bitrix\Sender\MailingSubscriptionTable::addSubscription(['MAILING_ID' => 3, 'CONTACT_ID' => $contact]);
        \Bitrix\Sender\Subscription::onMailEventSubscriptionDisable(['CONTACT_ID' => $contact, 'UNSUBSCRIBE_LIST' => [3]]);

        [$add, $unsub, $update] = self::$seen;
        $this->assertSame(['MailingSubscriptionOnAfterAdd', ['id' => 0, 'fields' => ['IS_UNSUB' => 'N', 'MAILING_ID' => 3, 'CONTACT_ID' => $contact]]], $add);
        $this->assertSame('fan@example.com', $unsub[1][0]['EMAIL'], 'one positional array');
        $this->assertSame(['id' => ['MAILING_ID' => 3, 'CONTACT_ID' => $contact], 'fields' => ['IS_UNSUB' => 'Y']], $update[1]);
    }

    /** main/lib/request.php isAdminSection() of 21.400. */
    public function testTheAdminSectionIsTheAdminPrologOrASubFolderOfBitrixAdmin(): void
    {
        $isAdmin = function (bool $prolog, string $page): bool {
            $this->shop->visit(admin: $prolog, page: $page);
            return \Bitrix\Main\Context::getCurrent()->getRequest()->isAdminSection();
        };
        $this->assertTrue($isAdmin(true, '/'));
        $this->assertTrue($isAdmin(false, '/bitrix/admin/tools/page.php'));
        $this->assertFalse($isAdmin(false, '/bitrix/admin/1c_exchange.php'));
        $this->assertFalse($isAdmin(false, '/catalog/'));
    }
}
