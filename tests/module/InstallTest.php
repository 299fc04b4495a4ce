<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Config\Option;
use Bitrix\Main\Error;
use Bitrix\Main\Event;
use Bitrix\Main\EventManager;
use Bitrix\Main\ModuleManager;
use Bitrix\Main\ORM\EventResult;
use Bitrix\Main\SystemException;
use Bitrix\Sale\Internals\DiscountCouponTable;
use MindboxTests\Bitrix\Fakes\FakeShop;
use PHPUnit\Framework\TestCase;
use Rustbox\Mindbox\Feed\Agent as FeedAgent;
use Rustbox\Mindbox\History\Agent as HistoryAgent;
use Rustbox\Mindbox\Outbox\Agent;
use Rustbox\Mindbox\Support\EventLog;

/** install/index.php: what DoInstall adds to the core, and that DoUninstall takes all of it away. */
final class InstallTest extends TestCase
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

    private function snapshot(): array
    {
        return [
            'handlers' => EventManager::getInstance()->fakeRows(),
            'agents' => \CAgent::fakeRows(),
            'modules' => ModuleManager::getInstalledModules(),
            'options' => Option::fakeAll(),
            'notices' => \CAdminNotify::fakeRows(),
            'cart rules' => self::cartRules(),
            'admin files' => glob($this->shop->documentRoot . '/bitrix/admin/*'),
            'component files' => $this->componentFiles(),
        ];
    }

    /** @return list<array> the cart rules, read as the old kernel's CDBResult gives them */
    private static function cartRules(array $filter = []): array
    {
        $rules = [];
        $result = \CSaleDiscount::GetList([], $filter);
        while ($rule = $result->Fetch()) {
            $rules[] = $rule;
        }
        return $rules;
    }

    /** @return list<string> everything under /bitrix/components/, folders included */
    private function componentFiles(): array
    {
        $root = $this->shop->documentRoot . '/bitrix/components';
        if (!is_dir($root)) {
            return [];
        }
        $files = [];
        $iterator = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($root, \FilesystemIterator::SKIP_DOTS), \RecursiveIteratorIterator::SELF_FIRST);
        foreach ($iterator as $file) {
            $files[] = substr($file->getPathname(), strlen($root) + 1);
        }
        sort($files);
        return $files;
    }

    public function testInstallRegistersTheModuleItsHandlersInTheRightFormAndTheFlushAgent(): void
    {
        $this->shop->installModule();

        $this->assertTrue(ModuleManager::isModuleInstalled('rustbox.mindbox'));
        $handlers = [];
        foreach (EventManager::getInstance()->fakeRows() as $row) {
            $this->assertSame('rustbox.mindbox', $row['TO_MODULE_ID']);
            $handlers[$row['FROM_MODULE_ID'] . ':' . $row['MESSAGE_ID']] = $row['VERSION'];
        }
        $this->assertSame([
            'sale:OnSaleOrderBeforeSaved' => 2,
            'sale:OnSaleOrderSaved' => 2,
            'sale:OnSaleBeforeOrderDelete' => 2,
            'sale:OnSaleOrderDeleted' => 2,
            'sale:OnSaleBasketItemEntitySaved' => 2,
            'sale:OnSaleBasketItemEntityDeleted' => 2,
            'sale:OnSaleBasketSaved' => 2,
            'sale:OnBeforeSaleOrderFinalAction' => 2,
            'sale:OnCondSaleActionsControlBuildList' => 1,
            'sale:OnSaleComponentOrderCreated' => 1,
            'sale:OnSaleComponentOrderResultPrepared' => 1,
            'main:OnAfterUserRegister' => 1,
            'main:OnAfterUserAdd' => 1,
            'main:OnBeforeUserUpdate' => 1,
            'main:OnAfterUserUpdate' => 1,
            'main:OnAfterUserAuthorize' => 1,
            'main:OnProlog' => 1,
            'main:OnEpilog' => 1,
            'main:OnEventLogGetAuditTypes' => 1,
            'main:OnAdminSaleOrderView' => 1,
            'main:OnAdminSaleOrderEdit' => 1,
            'subscribe:OnBeforeSubscriptionAdd' => 1,
            'subscribe:OnBeforeSubscriptionUpdate' => 1,
            'subscribe:OnBeforeSubscriptionDelete' => 1,
            'subscribe:OnAfterSubscriptionDelete' => 1,
            'sender:MailingSubscriptionOnAfterAdd' => 2,
            'sender:MailingSubscriptionOnAfterUpdate' => 2,
        ], $handlers);
        $agents = array_values(\CAgent::fakeRows());
        $this->assertSame([Agent::CALL, FeedAgent::CALL, HistoryAgent::CALL], array_column($agents, 'NAME'), 'the flush agent, the feed agent and the history agent');
        $this->assertSame(['rustbox.mindbox', 'rustbox.mindbox', 'rustbox.mindbox'], array_column($agents, 'MODULE_ID'));
        $this->assertSame(['N', 'N', 'N'], array_column($agents, 'IS_PERIOD'), 'so that with agents on cron they run from cron only');
        $this->assertFileExists($this->shop->documentRoot . '/bitrix/admin/rustbox_mindbox_outbox.php');
        $this->assertSame([
            'rustbox',
            'rustbox/mindbox.balance',
            'rustbox/mindbox.balance/.description.php',
            'rustbox/mindbox.balance/class.php',
            'rustbox/mindbox.balance/lang',
            'rustbox/mindbox.balance/lang/en',
            'rustbox/mindbox.balance/lang/en/.description.php',
            'rustbox/mindbox.balance/lang/ru',
            'rustbox/mindbox.balance/lang/ru/.description.php',
            'rustbox/mindbox.balance/templates',
            'rustbox/mindbox.balance/templates/.default',
            'rustbox/mindbox.balance/templates/.default/lang',
            'rustbox/mindbox.balance/templates/.default/lang/en',
            'rustbox/mindbox.balance/templates/.default/lang/en/template.php',
            'rustbox/mindbox.balance/templates/.default/lang/ru',
            'rustbox/mindbox.balance/templates/.default/lang/ru/template.php',
            'rustbox/mindbox.balance/templates/.default/template.php',
        ], $this->componentFiles());
    }

    public function testUninstallLeavesOtherComponentsOfTheSameVendorFolderAlone(): void
    {
        $this->shop->installModule();
        $own = $this->shop->documentRoot . '/bitrix/components/rustbox/site.own/class.php';
        mkdir(dirname($own), 0755, true);
        file_put_contents($own, '<?php');

        $this->shop->uninstallModule();

        $this->assertSame(['rustbox', 'rustbox/site.own', 'rustbox/site.own/class.php'], $this->componentFiles());
    }

    /** The core's own helpers copy (with the site's file permissions) and delete the files: only those it copied. */
    public function testUninstallRemovesTheFilesItCopiedAndNothingElse(): void
    {
        $this->shop->installModule();
        $component = $this->shop->documentRoot . '/bitrix/components/rustbox/mindbox.balance';
        $this->assertSame(0644, fileperms($component . '/class.php') & 0777);
        $own = $component . '/templates/shop/template.php';
        mkdir(dirname($own), 0755, true);
        file_put_contents($own, '<?php');

        $this->shop->uninstallModule();

        $this->assertSame([
            'rustbox',
            'rustbox/mindbox.balance',
            'rustbox/mindbox.balance/templates',
            'rustbox/mindbox.balance/templates/shop',
            'rustbox/mindbox.balance/templates/shop/template.php',
        ], $this->componentFiles());
        $this->assertSame([], glob($this->shop->documentRoot . '/bitrix/admin/*'));
    }

    public function testInstallThenUninstallLeavesTheCoreExactlyAsBefore(): void
    {
        $before = $this->snapshot();

        $this->shop->installModule();
        $this->shop->configure(['endpoint_id' => 'shop-website', 'secret_key' => 'k']);
        $this->shop->configure(['endpoint_id' => 'outlet'], 's1');
        \Rustbox\Mindbox\Support\Notices::unmappedStatus('s1', 'X');
        $this->assertNotSame($before, $this->snapshot());
        $this->shop->uninstallModule();

        $this->assertSame($before, $this->snapshot());
    }

    public function testInstallAndUninstallAreIdempotent(): void
    {
        $this->shop->installModule();
        $once = $this->snapshot();
        $this->shop->installModule();
        $this->assertSame($once, $this->snapshot(), 'a second install adds nothing');

        $this->shop->uninstallModule();
        $gone = $this->snapshot();
        $this->shop->uninstallModule();
        $this->assertSame($gone, $this->snapshot(), 'a second uninstall changes nothing');
    }

    public function testHandlersOfTheModuleDoNothingOnceItIsUninstalled(): void
    {
        $this->shop->installModule();
        $this->shop->uninstallModule();
        $this->assertSame([], EventManager::getInstance()->findEventHandlers('sale', 'OnSaleOrderSaved'));
    }

    /**
     * Points are spent by a cart rule of the sale module's own engine: one per site, compiled by CSaleDiscount::Add()
     * through the module's action control into code that loads the module and calls it, and removed again.
     */
    public function testInstallAddsTheCartRuleThatSpendsPointsOnEverySite(): void
    {
        $shop = FakeShop::open(['s1' => 'Shop', 's2' => 'Outlet']);
        try {
            $shop->installModule();
            $rules = self::cartRules(['XML_ID' => 'rustbox_mindbox_points']);
            $this->assertSame(['s1', 's2'], array_column($rules, 'LID'));
            $this->assertSame([['rustbox.mindbox'], ['rustbox.mindbox']], array_column($rules, 'MODULES'));
            $this->assertSame(['Y', 'Y'], array_column($rules, 'ACTIVE'));
            $this->assertSame(['N', 'N'], array_column($rules, 'LAST_DISCOUNT'), 'later rules still run');
            $this->assertStringContainsString('Rustbox\\Mindbox\\Loyalty\\Checkout::spendOn($arOrder)', $rules[0]['APPLICATION']);

            $shop->installModule();
            $this->assertCount(2, self::cartRules(['XML_ID' => 'rustbox_mindbox_points']), 'installing again adds none');
            $shop->uninstallModule();
            $this->assertSame([], self::cartRules());
        } finally {
            $shop->close();
        }
    }

    /**
     * The real core declares CSaleDiscount::Delete() an instance method, so a static call of it is an Error on PHP 8
     * that stopped the uninstall before anything else went. The points rules go with their coupons (an administrator
     * may have added some); the shop's own rule and its coupon stay.
     */
    public function testUninstallWithCartRulesInPlaceTakesAwayHandlersAgentOptionsAndRules(): void
    {
        $shop = FakeShop::open(['s1' => 'Shop', 's2' => 'Outlet']);
        try {
            $shop->installModule();
            $shop->configure(['endpoint_id' => 'shop-website', 'secret_key' => 'k']);
            $shop->configure(['loyalty_enabled' => 'Y'], 's2');
            [$points] = self::cartRules(['XML_ID' => 'rustbox_mindbox_points', 'LID' => 's1']);
            $own = self::addOwnRule();
            DiscountCouponTable::fakeAdd((int)$points['ID'], 'POINTS-ONLY');
            DiscountCouponTable::fakeAdd($own, 'SUMMER');

            $this->assertTrue($shop->uninstallModule());

            $this->assertSame([], EventManager::getInstance()->fakeRows());
            $this->assertSame([], \CAgent::fakeRows());
            $this->assertArrayNotHasKey('rustbox.mindbox', Option::fakeAll());
            $this->assertFalse(ModuleManager::isModuleInstalled('rustbox.mindbox'));
            $this->assertSame([], self::cartRules(['XML_ID' => 'rustbox_mindbox_points']));
            $this->assertSame([$own], array_map('intval', array_column(self::cartRules(), 'ID')));
            $this->assertSame(['SUMMER'], array_column(DiscountCouponTable::fakeRows(), 'COUPON'));
        } finally {
            $shop->close();
        }
    }

    /**
     * A step that fails must not keep the rest: handlers, agent and options left behind would keep the module
     * running after the administrator removed it. The failure is logged, and the uninstall page says what is left.
     */
    public function testAStepThatThrowsIsLoggedAndTheRestOfTheUninstallStillRuns(): void
    {
        $shop = FakeShop::open(['s1' => 'Shop', 's2' => 'Outlet']);
        try {
            $shop->installModule();
            $shop->configure(['endpoint_id' => 'shop-website', 'secret_key' => 'k']);
            \Rustbox\Mindbox\Support\Notices::unmappedStatus('s1', 'X');
            [$stuck] = self::cartRules(['XML_ID' => 'rustbox_mindbox_points', 'LID' => 's1']);
            EventManager::getInstance()->addEventHandler('sale', 'DiscountOnDelete', static function (Event $event) use ($stuck): void {
                if ($event->getParameter('id') === ['ID' => (int)$stuck['ID']]) {
                    throw new SystemException('Lost connection to MySQL server during query');
                }
            });

            $this->assertFalse($shop->uninstallModule(), 'the admin page shows an error');

            $this->assertSame([], EventManager::getInstance()->fakeRows());
            $this->assertSame([], \CAgent::fakeRows());
            $this->assertArrayNotHasKey('rustbox.mindbox', Option::fakeAll());
            $this->assertSame([], \CAdminNotify::fakeRows());
            $this->assertFalse(ModuleManager::isModuleInstalled('rustbox.mindbox'));
            $this->assertSame([$stuck['ID']], array_column(self::cartRules(['XML_ID' => 'rustbox_mindbox_points']), 'ID'), 'the other site\'s rule went');
            $details = $GLOBALS['APPLICATION']->GetException()->GetString();
            $this->assertStringContainsString('Lost connection to MySQL server during query', $details);
            $this->assertStringContainsString((string)$stuck['ID'], $details);
            $logged = implode("\n", array_column(\CEventLog::fakeEntries(), 'DESCRIPTION'));
            $this->assertStringContainsString('Lost connection to MySQL server during query', $logged);
        } finally {
            $shop->close();
        }
    }

    /** Another module may veto deleting a rule (DiscountOnBeforeDelete): its reason reaches the log and the page. */
    public function testAVetoedRuleIsNamedWithTheReason(): void
    {
        $this->shop->installModule();
        EventManager::getInstance()->addEventHandler('sale', 'DiscountOnBeforeDelete', static function (): EventResult {
            $answer = new EventResult();
            $answer->addError(new Error('the rule is part of a running promotion'));
            return $answer;
        });

        $this->assertFalse($this->shop->uninstallModule());

        $this->assertCount(1, self::cartRules(['XML_ID' => 'rustbox_mindbox_points']));
        $this->assertSame([], EventManager::getInstance()->fakeRows());
        $this->assertStringContainsString('the rule is part of a running promotion', $GLOBALS['APPLICATION']->GetException()->GetString());
        $this->assertStringContainsString('the rule is part of a running promotion', implode("\n", array_column(\CEventLog::fakeEntries(), 'DESCRIPTION')));
    }

    /** A rule of the shop's own, with an action of a control the shop's code offers for this hit. */
    private static function addOwnRule(): int
    {
        EventManager::getInstance()->addEventHandlerCompatible('sale', 'OnCondSaleActionsControlBuildList', static fn (): array => [
            'ID' => 'ShopOwnAction', 'Parse' => static fn () => [], 'Generate' => static fn (): string => 'null',
        ]);
        $id = \CSaleDiscount::Add(['LID' => 's1', 'NAME' => 'Summer', 'XML_ID' => 'summer', 'USER_GROUPS' => [2],
            'ACTIONS' => ['CLASS_ID' => 'CondGroup', 'DATA' => ['All' => 'AND'], 'CHILDREN' => [['CLASS_ID' => 'ShopOwnAction', 'DATA' => []]]]]);
        self::assertIsInt($id);
        return $id;
    }

    /**
     * The outbox's default directory is made by the installer, as the site's user, closed to other users and to the
     * web; uninstalling keeps it, since it may still hold events that were not delivered.
     */
    public function testInstallPreparesThePrivateOutboxDirectory(): void
    {
        $dir = $this->shop->documentRoot . '/bitrix/php_interface/rustbox.mindbox';
        $this->shop->installModule();

        $this->assertDirectoryExists($dir);
        $this->assertSame(0750, fileperms($dir) & 0777);
        $this->assertStringContainsString('Require all denied', (string)file_get_contents($dir . '/.htaccess'));

        chmod($dir, 0700);
        $this->shop->uninstallModule();
        $this->shop->installModule();
        $this->assertSame(0700, fileperms($dir) & 0777, 'an existing directory is left as the administrator set it');
    }

    public function testWithoutTheExtensionTheAdminIsToldSo(): void
    {
        if (extension_loaded('mindbox')) {
            $this->shop->installModule();
            $this->assertSame([], \CAdminNotify::fakeRows(), 'no notice while the extension is there');
            return;
        }
        $this->shop->installModule();
        $this->assertStringContainsString('extension mindbox is not loaded', implode("\n", array_column(\CAdminNotify::fakeRows(), 'MESSAGE')));
    }

    public function testTheEventLogFilterNamesTheModulesEntries(): void
    {
        $this->shop->installModule();
        $this->assertStringContainsString('Mindbox', \CEventLog::GetEventTypes()[EventLog::AUDIT_TYPE] ?? '');

        $this->shop->uninstallModule();
        $this->assertArrayNotHasKey(EventLog::AUDIT_TYPE, \CEventLog::GetEventTypes());
    }
}
