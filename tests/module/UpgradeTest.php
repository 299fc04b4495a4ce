<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Config\Option;
use Bitrix\Main\EventManager;
use Rustbox\Mindbox\ConfigurationException;
use Rustbox\Mindbox\Handlers\OrderTab;
use Rustbox\Mindbox\Handlers\Tracker;
use Rustbox\Mindbox\Loyalty\CartRule;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Outbox\Agent;
use Rustbox\Mindbox\Setup\Upgrade;
use Rustbox\Mindbox\Support\ModuleVersion;

/**
 * New files over an installed module (issue 22): the module's own upgrade step runs once, on the first hit that
 * includes it, and brings what an install sets up to this version's, settings kept; files older than what is
 * installed are refused, the module doing nothing and the shop's checkout going on.
 */
final class UpgradeTest extends ModuleTestCase
{
    private const MODULE = 'rustbox.mindbox';

    /** The site as the first release left it: no version recorded, and what this version added to an install missing. */
    private function asTheFirstReleaseLeftIt(): void
    {
        Option::delete(self::MODULE, ['name' => ModuleVersion::OPTION]);
        $events = EventManager::getInstance();
        $events->unRegisterEventHandler('main', 'OnAdminSaleOrderView', self::MODULE, OrderTab::class, 'onAdminSaleOrderView');
        $events->unRegisterEventHandler('main', 'OnAdminSaleOrderEdit', self::MODULE, OrderTab::class, 'onAdminSaleOrderEdit');
        // A handler under a class's former name, as the release before the classes moved registered it.
        $events->unRegisterEventHandler('main', 'OnProlog', self::MODULE, Tracker::class, 'onProlog');
        $events->registerEventHandlerCompatible('main', 'OnProlog', self::MODULE, 'Rustbox\Mindbox\Tracker', 'onProlog');
        unlink($this->shop->documentRoot . '/bitrix/admin/rustbox_mindbox_order.php');
        \CAgent::RemoveAgent(Agent::CALL, self::MODULE);
        foreach (\CSaleDiscount::fakeActiveRules('s2') as $rule) {
            if ($rule['XML_ID'] === CartRule::XML_ID) {
                \CSaleDiscount::fakeRemove((int)$rule['ID']);
            }
        }
    }

    private static function handlers(string $module, string $event): array
    {
        return array_map(static fn (array $h) => $h['TO_CLASS'] . '::' . $h['TO_METHOD'],
            array_values(array_filter(EventManager::getInstance()->fakeRows(), static fn (array $h) => $h['FROM_MODULE_ID'] === $module
                && strcasecmp($h['MESSAGE_ID'], $event) === 0 && $h['TO_MODULE_ID'] === self::MODULE)));
    }

    private static function settings(): array
    {
        $options = Option::fakeAll()[self::MODULE] ?? [];
        foreach ($options as &$values) {
            unset($values[ModuleVersion::OPTION]);
        }
        return $options;
    }

    private static function logged(): array
    {
        return array_map(static fn (array $e) => $e['SEVERITY'] . ' ' . $e['DESCRIPTION'], \CEventLog::fakeEntries());
    }

    public function testAnInstallRecordsItsVersionSoNoUpgradeFollows(): void
    {
        $this->assertSame('0.2.0', ModuleVersion::files());
        $this->assertSame(ModuleVersion::files(), Option::get(self::MODULE, ModuleVersion::OPTION));
        Upgrade::check();
        $this->assertSame([], self::logged());
    }

    public function testNewerFilesUpgradeOnceKeepingTheSettings(): void
    {
        $this->shop->configure(['enabled_events' => 'create_order,register', 'balance_timeout' => '2'], 's2');
        $this->asTheFirstReleaseLeftIt();
        $settings = self::settings();
        $this->assertSame('0.1.0', ModuleVersion::installed(), 'the first release kept no version');

        Upgrade::check();

        $this->assertSame('0.2.0', Option::get(self::MODULE, ModuleVersion::OPTION));
        $this->assertSame($settings, self::settings(), 'every setting kept');
        $this->assertSame([OrderTab::class . '::onAdminSaleOrderView'], self::handlers('main', 'OnAdminSaleOrderView'), 'a new handler registered');
        $this->assertSame([Tracker::class . '::onProlog'], self::handlers('main', 'OnProlog'), 'the former name taken away');
        $this->assertFileExists($this->shop->documentRoot . '/bitrix/admin/rustbox_mindbox_order.php');
        $this->assertNotFalse(\CAgent::GetList([], ['=NAME' => Agent::CALL, 'MODULE_ID' => self::MODULE])->Fetch());
        $this->assertCount(1, array_filter(\CSaleDiscount::fakeActiveRules('s2'), static fn (array $r) => $r['XML_ID'] === CartRule::XML_ID));
        $this->assertCount(1, array_filter(\CSaleDiscount::fakeActiveRules('s1'), static fn (array $r) => $r['XML_ID'] === CartRule::XML_ID), 'one rule a site');
        $this->assertSame(['INFO The module was upgraded from 0.1.0 to 0.2.0'], self::logged());

        Upgrade::check();
        $this->assertCount(1, self::logged(), 'once');
        $this->assertSame([], $this->calls, 'an upgrade sends nothing');
    }

    public function testOlderFilesAreRefusedTheModuleDoesNothingAndCheckoutGoesOn(): void
    {
        Option::set(self::MODULE, ModuleVersion::OPTION, '9.1.0');
        Upgrade::check();
        Upgrade::check();

        $notices = array_values(array_filter(\CAdminNotify::fakeRows(), static fn (array $n) => $n['TAG'] === 'rustbox_mindbox_version'));
        $this->assertCount(1, $notices);
        $this->assertStringContainsString('(version 0.2.0) are older than the version installed (9.1.0)', $notices[0]['MESSAGE']);
        $this->assertSame('9.1.0', Option::get(self::MODULE, ModuleVersion::OPTION), 'nothing is downgraded');

        $userId = $this->shop->existingCustomer();
        $this->shop->fillCart([[10, 'SKU-10', 1, 1000.0, 0.0]]);
        $order = $this->shop->placeOrder($userId, 'anna@example.com', '', 300.0);
        $this->assertGreaterThan(0, $order->getId(), 'the order is placed');
        $this->assertSame([], $this->calls, 'and nothing is sent');
        $this->assertSame([], self::logged(), 'nor logged on every event');
        try {
            Mindbox::client('s1');
            $this->fail('a client for files older than the install');
        } catch (ConfigurationException $e) {
            $this->assertStringContainsString('older than the version installed (9.1.0)', $e->getMessage());
        }

        // The files of the installed version are back: the notice goes.
        Option::set(self::MODULE, ModuleVersion::OPTION, '0.2.0');
        Upgrade::check();
        $this->assertSame([], array_filter(\CAdminNotify::fakeRows(), static fn (array $n) => $n['TAG'] === 'rustbox_mindbox_version'));
    }
}
