<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Config\Option;
use Bitrix\Main\Event;
use Bitrix\Main\EventManager;
use Bitrix\Main\ModuleManager;
use Bitrix\Sale\Order;
use MindboxTests\Bitrix\Fakes\FakeShop;
use PHPUnit\Framework\TestCase;

/** The fake core behaves as bitrix.md section 5.4 says the real one does; the module's tests rely on it. */
final class FakeCoreTest extends TestCase
{
    private FakeShop $shop;
    private static array $seen = [];

    protected function setUp(): void
    {
        $this->shop = FakeShop::open();
        self::$seen = [];
    }

    protected function tearDown(): void
    {
        $this->shop->close();
    }

    public static function record(...$args): void
    {
        self::$seen[] = $args;
    }

    public static function recordAndChange(array &$fields): void
    {
        self::$seen[] = $fields;
        $fields['RESULT_MESSAGE'] = 'changed by a handler';
    }

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

    public function testOrderSavedCarriesOnlyTheChangedFieldsOriginalValues(): void
    {
        ModuleManager::registerModule('test.module');
        EventManager::getInstance()->registerEventHandler('sale', 'OnSaleOrderSaved', 'test.module', self::class, 'record');
        $order = Order::create('s1', 5);
        $order->save();
        $order->setField('STATUS_ID', 'P');
        $order->setField('COMMENTS', 'x');
        $order->setField('COMMENTS', '');
        $order->save();
        Order::fakeLegacyCore(true);
        $order->save();

        [[$created], [$changed], [$legacy]] = self::$seen;
        $this->assertTrue($created->getParameter('IS_NEW'));
        $this->assertFalse($changed->getParameter('IS_NEW'));
        $this->assertTrue($changed->getParameter('IS_CHANGED'));
        $this->assertSame(['STATUS_ID' => 'N'], $changed->getParameter('VALUES'), 'a field set back to its value is not changed');
        $this->assertSame(['ENTITY', 'IS_NEW', 'VALUES'], array_keys($legacy->getParameters()), 'older cores send no IS_CHANGED');
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
}
