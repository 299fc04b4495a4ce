<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\EventManager;
use Bitrix\Main\ModuleManager;
use Bitrix\Sale\Internals\DiscountCouponTable;
use Bitrix\Sale\Internals\DiscountTable;
use MindboxTests\Bitrix\Fakes\FakeShop;
use PHPUnit\Framework\TestCase;

/**
 * The fake core's side of installing and uninstalling, pinned to the real core of 21.400.100 (kotopheiop/bitrix-core,
 * modules/…): what is static and what is not, the parameters, and what the tables do. FakeCoreMainTest and
 * FakeCoreSaleTest pin the rest; a fake that is kinder than the core (a static CSaleDiscount::Delete) hid an uninstall
 * that died on a real site.
 */
final class FakeCoreInstallTest extends TestCase
{
    private FakeShop $shop;

    protected function setUp(): void
    {
        $this->shop = FakeShop::open();
    }

    protected function tearDown(): void
    {
        $this->shop->close();
    }

    /** @return array<string, array{string, string, bool, list<string>}> class, method, static, parameters; real file */
    public function coreMethodsTheInstallerCalls(): array
    {
        $eventHandler = ['$fromModuleId', '$eventType', '$toModuleId', '$toClass', '$toMethod', '$sort', '$toPath', '$toMethodArg'];
        return [
            // main/lib/modulemanager.php
            'isModuleInstalled' => ['Bitrix\Main\ModuleManager', 'isModuleInstalled', true, ['$moduleName']],
            'registerModule' => ['Bitrix\Main\ModuleManager', 'registerModule', true, ['$moduleName']],
            'unRegisterModule' => ['Bitrix\Main\ModuleManager', 'unRegisterModule', true, ['$moduleName']],
            // main/lib/loader.php
            'includeModule' => ['Bitrix\Main\Loader', 'includeModule', true, ['$moduleName']],
            // main/lib/config/option.php
            'Option::delete' => ['Bitrix\Main\Config\Option', 'delete', true, ['$moduleId', 'array $filter']],
            // main/lib/application.php
            'getDocumentRoot' => ['Bitrix\Main\Application', 'getDocumentRoot', true, []],
            // main/lib/localization/loc.php
            'loadMessages' => ['Bitrix\Main\Localization\Loc', 'loadMessages', true, ['$file']],
            'getMessage' => ['Bitrix\Main\Localization\Loc', 'getMessage', true, ['$code', '$replace', '$language']],
            // main/lib/eventmanager.php
            'getInstance' => ['Bitrix\Main\EventManager', 'getInstance', true, []],
            'registerEventHandler' => ['Bitrix\Main\EventManager', 'registerEventHandler', false, $eventHandler],
            'registerEventHandlerCompatible' => ['Bitrix\Main\EventManager', 'registerEventHandlerCompatible', false, $eventHandler],
            'unRegisterEventHandler' => ['Bitrix\Main\EventManager', 'unRegisterEventHandler', false,
                ['$fromModuleId', '$eventType', '$toModuleId', '$toClass', '$toMethod', '$toPath', '$toMethodArg']],
            // main/lib/orm/data/datamanager.php
            'SiteTable::getList' => ['Bitrix\Main\SiteTable', 'getList', true, ['array $parameters']],
            'DiscountTable::delete' => ['Bitrix\Sale\Internals\DiscountTable', 'delete', true, ['$primary']],
            // main/classes/general/agent.php
            'CAgent::GetList' => ['CAgent', 'GetList', true, ['$arOrder', '$arFilter']],
            'CAgent::AddAgent' => ['CAgent', 'AddAgent', true,
                ['$name', '$module', '$period', '$interval', '$datecheck', '$active', '$next_exec', '$sort', '$user_id', '$existError']],
            'CAgent::RemoveAgent' => ['CAgent', 'RemoveAgent', true, ['$name', '$module', '$user_id']],
            // main/classes/general/admin_notify.php
            'CAdminNotify::Add' => ['CAdminNotify', 'Add', true, ['$arFields']],
            'CAdminNotify::DeleteByTag' => ['CAdminNotify', 'DeleteByTag', true, ['$tagId']],
            'CAdminNotify::DeleteByModule' => ['CAdminNotify', 'DeleteByModule', true, ['$moduleId']],
            // main/classes/general/event_log.php
            'CEventLog::Add' => ['CEventLog', 'Add', true, ['$arFields']],
            // main/classes/general/main.php
            'CMain::ThrowException' => ['CMain', 'ThrowException', false, ['$msg', '$id']],
            // sale/mysql/discount.php
            'CSaleDiscount::GetList' => ['CSaleDiscount', 'GetList', true, ['$arOrder', '$arFilter', '$arGroupBy', '$arNavStartParams', '$arSelectFields']],
            // sale/general/discount.php
            'CSaleDiscount::Add' => ['CSaleDiscount', 'Add', true, ['$arFields']],
            'CSaleDiscount::Delete' => ['CSaleDiscount', 'Delete', false, ['$ID']],
        ];
    }

    /**
     * @dataProvider coreMethodsTheInstallerCalls
     * @param list<string> $parameters
     */
    public function testACoreMethodTheInstallerCallsIsStaticOrNotAsInTheRealCore(string $class, string $method, bool $static, array $parameters): void
    {
        $reflection = new \ReflectionMethod($class, $method);
        $this->assertTrue($reflection->isPublic());
        $this->assertSame($static, $reflection->isStatic(), $static ? 'static in the real core' : 'an instance method in the real core');
        $this->assertSame($parameters, array_map(
            static fn (\ReflectionParameter $p) => ltrim(($p->hasType() ? $p->getType() . ' ' : '') . '$' . $p->getName()),
            $reflection->getParameters(),
        ));
    }

    public function testCallingCSaleDiscountDeleteStaticallyIsAnErrorAsOnPhp8(): void
    {
        $this->expectException(\Error::class);
        $this->expectExceptionMessage('cannot be called statically');
        $delete = [\CSaleDiscount::class, 'Delete'];
        $delete(1);
    }

    /** sale/lib/internals/discount.php onDelete/onAfterDelete; CSaleDiscount::Delete() answers only true or false. */
    public function testDeletingACartRuleTakesItsCouponsAlongAndTheEngineNoLongerRunsIt(): void
    {
        EventManager::getInstance()->addEventHandlerCompatible('sale', 'OnCondSaleActionsControlBuildList', static fn (): array => [
            'ID' => 'Nothing', 'Parse' => static fn () => [], 'Generate' => static fn (): string => 'null',
        ]);
        $rule = static fn (): int => \CSaleDiscount::Add(['LID' => 's1', 'ACTIONS' => ['CLASS_ID' => 'CondGroup', 'CHILDREN' => [['CLASS_ID' => 'Nothing']]]]);
        [$first, $second] = [$rule(), $rule()];
        DiscountCouponTable::fakeAdd($first, 'ONE');
        DiscountCouponTable::fakeAdd($second, 'TWO');

        $this->assertTrue(DiscountTable::delete($first)->isSuccess());
        $this->assertTrue((new \CSaleDiscount())->Delete($second));

        $this->assertSame([], \CSaleDiscount::fakeActiveRules('s1'));
        $this->assertSame([], DiscountCouponTable::fakeRows());
        $this->assertTrue(DiscountTable::delete(['ID' => $first])->isSuccess(), 'no row: nothing to refuse');
        $this->assertFalse((new \CSaleDiscount())->Delete(0));
    }

    /** agent.php: one agent per NAME and USER_ID; modulemanager.php: unRegisterModule() deletes the module's agents. */
    public function testAgentsAreKnownByNameAndGoWithTheirModule(): void
    {
        $this->assertIsInt(\CAgent::AddAgent('\\Shop\\Agent::run();', 'shop.module'));
        $this->assertFalse(\CAgent::AddAgent('\\Shop\\Agent::run();', 'other.module'), 'the name is taken, whatever the module');
        $this->assertNotNull($GLOBALS['APPLICATION']->GetException());
        $this->assertSame('1', \CAgent::AddAgent('\\Shop\\Agent::run();', 'other.module', existError: false));
        $this->assertCount(1, iterator_to_array(self::rows(\CAgent::GetList([], ['NAME' => '\\Shop\\Agent::ru_();']))), 'NAME is a LIKE pattern');

        \CAgent::RemoveAgent('\\Shop\\Agent::run();');
        $this->assertCount(1, \CAgent::fakeRows(), 'no module named: only agents without one');
        ModuleManager::registerModule('shop.module');
        ModuleManager::unRegisterModule('shop.module');
        $this->assertSame([], \CAgent::fakeRows());
    }

    /** admin_notify.php: DeleteByTag() is TAG LIKE '%tag%'; a notice needs a message. */
    public function testNoticesAreDeletedByEveryTagThatContainsTheOne(): void
    {
        \CAdminNotify::Add(['MESSAGE' => 'a', 'TAG' => 'shop_notice', 'MODULE_ID' => 'shop']);
        \CAdminNotify::Add(['MESSAGE' => 'b', 'TAG' => 'shop_notice_2', 'MODULE_ID' => 'shop']);
        \CAdminNotify::Add(['MESSAGE' => 'c', 'TAG' => 'other', 'MODULE_ID' => 'shop']);
        $this->assertFalse(\CAdminNotify::Add(['MESSAGE' => '', 'TAG' => 'empty', 'MODULE_ID' => 'shop']));

        \CAdminNotify::DeleteByTag('shop_notice');

        $this->assertSame(['other'], array_keys(\CAdminNotify::fakeRows()));
    }

    /** eventmanager.php: an empty argument list is stored as '', so the default of unRegisterEventHandler() matches it. */
    public function testAHandlerRegisteredWithoutArgumentsIsUnregisteredByTheDefault(): void
    {
        $manager = EventManager::getInstance();
        $manager->registerEventHandler('sale', 'OnSaleOrderSaved', 'shop.module', 'Shop\\Handler', 'run');
        $this->assertSame([''], array_column($manager->fakeRows(), 'TO_METHOD_ARG'));

        $manager->unRegisterEventHandler('sale', 'OnSaleOrderSaved', 'shop.module', 'Shop\\Handler', 'run');

        $this->assertSame([], $manager->fakeRows());
    }

    /** main/tools.php: the copy helpers the installer calls, with the real core's parameters. */
    public function testTheFileHelpersTakeTheRealCoresParameters(): void
    {
        $parameters = static fn (string $function): array => array_map(
            static fn (\ReflectionParameter $p) => '$' . $p->getName(),
            (new \ReflectionFunction($function))->getParameters(),
        );
        $this->assertSame(['$path_from', '$path_to', '$ReWrite', '$Recursive', '$bDeleteAfterCopy', '$strExclude'], $parameters('CopyDirFiles'));
        $this->assertSame(['$frDir', '$toDir', '$arExept'], $parameters('DeleteDirFiles'));
    }

    /**
     * main/tools.php: CopyDirFiles() makes the target's folders, goes into subfolders only when recursive, keeps a file
     * without $ReWrite and copies nothing into its source; DeleteDirFiles() unlinks, on the first level only, the files
     * named as the source's entries, never a folder.
     */
    public function testCopyDirFilesAndDeleteDirFilesBehaveAsTheRealOnes(): void
    {
        $root = $this->shop->documentRoot;
        mkdir("$root/from/sub", 0755, true);
        file_put_contents("$root/from/a.php", 'a');
        file_put_contents("$root/from/sub/b.php", 'b');

        $this->assertTrue(CopyDirFiles("$root/from", "$root/flat"));
        $this->assertSame(['a.php'], array_values(array_diff(scandir("$root/flat"), ['.', '..'])));
        $this->assertTrue(CopyDirFiles("$root/from", "$root/deep/to", true, true));
        $this->assertStringEqualsFile("$root/deep/to/sub/b.php", 'b');
        $this->assertSame(0644, fileperms("$root/deep/to/sub/b.php") & 0777, 'BX_FILE_PERMISSIONS');
        file_put_contents("$root/from/a.php", 'changed');
        CopyDirFiles("$root/from", "$root/flat", false);
        $this->assertStringEqualsFile("$root/flat/a.php", 'a');
        $this->assertFalse(CopyDirFiles("$root/from", "$root/from/inside"));

        file_put_contents("$root/deep/to/own.php", 'own');
        DeleteDirFiles("$root/from", "$root/deep/to");
        $this->assertSame(['own.php', 'sub'], array_values(array_diff(scandir("$root/deep/to"), ['.', '..'])));
        $this->assertFileExists("$root/deep/to/sub/b.php");
    }

    private static function rows(\CDBResult $result): \Generator
    {
        while ($row = $result->Fetch()) {
            yield $row;
        }
    }
}
