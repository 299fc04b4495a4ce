<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Iblock\ElementTable;
use Bitrix\Main\EventManager;
use MindboxTests\Bitrix\Fakes\FakeShop;
use Rustbox\Mindbox\Feed\Agent as FeedAgent;
use Rustbox\Mindbox\History\Agent as HistoryAgent;
use Rustbox\Mindbox\Outbox\Agent;

/**
 * An install made before the module's classes moved keeps their former names in the core's database (event handlers,
 * the agent's call), and shop templates call PageView by its former name. With the new files in place all of them
 * still work until the module is installed again, which registers the current names instead; uninstalling takes
 * either away.
 */
final class FormerNamesTest extends ModuleTestCase
{
    /** What was registered under names that have moved since: [module, event, class, method, compatible]. */
    private const FORMER_HANDLERS = [
        ['main', 'OnProlog', 'Rustbox\Mindbox\Tracker', 'onProlog', true],
        ['main', 'OnEpilog', 'Rustbox\Mindbox\PageView', 'onEpilog', true],
        ['main', 'OnEventLogGetAuditTypes', 'Rustbox\Mindbox\EventLog', 'onEventLogGetAuditTypes', true],
        ['sale', 'OnCondSaleActionsControlBuildList', 'Rustbox\Mindbox\Loyalty\CartRuleAction', 'GetControlDescr', true],
    ];

    private const FORMER_AGENT = '\Rustbox\Mindbox\Agent::flush();';

    /** The module as an earlier install left it: handlers and agent under former names, beside unchanged ones. */
    private function installedWithFormerNames(): void
    {
        $manager = EventManager::getInstance();
        foreach ($manager->fakeRows() as $row) {
            foreach (self::FORMER_HANDLERS as [$module, $event]) {
                if ([$row['FROM_MODULE_ID'], $row['MESSAGE_ID']] === [$module, $event]) {
                    $manager->unRegisterEventHandler($module, $event, 'rustbox.mindbox', $row['TO_CLASS'], $row['TO_METHOD']);
                }
            }
        }
        foreach (self::FORMER_HANDLERS as [$module, $event, $class, $method]) {
            $manager->registerEventHandlerCompatible($module, $event, 'rustbox.mindbox', $class, $method, 1000);
        }
        \CAgent::RemoveAgent(Agent::CALL, 'rustbox.mindbox');
        \CAgent::AddAgent(self::FORMER_AGENT, 'rustbox.mindbox', 'N', 60);
    }

    /** @return list<string> "module:event class::method" of every registered handler */
    private static function registered(): array
    {
        $rows = array_map(
            static fn (array $r) => "{$r['FROM_MODULE_ID']}:{$r['MESSAGE_ID']} {$r['TO_CLASS']}::{$r['TO_METHOD']}",
            EventManager::getInstance()->fakeRows()
        );
        sort($rows);
        return $rows;
    }

    public function testEveryFormerHandlerAndTheAgentStillRun(): void
    {
        $this->installedWithFormerNames();
        ElementTable::fakeAdd(101, ['IBLOCK_ID' => 2, 'XML_ID' => 'TEA-GREEN-100', 'NAME' => 'Green tea']);

        $page = $this->shop->page(static fn () => FakeShop::showProduct(101));
        $this->assertStringContainsString("mindbox('create', {\"endpointId\":\"shop-website\"});", $page, 'OnProlog: the tracker');
        $this->assertStringContainsString('"viewProduct":{"product":{"ids":{"websiteID":"TEA-GREEN-100"}}}', $page, 'OnEpilog: the view');
        $this->assertStringContainsString('Mindbox', \CEventLog::GetEventTypes()['RUSTBOX_MINDBOX'] ?? '', 'the event log filter');
        $rule = \CSaleDiscount::Add(['LID' => 's1', 'NAME' => 'Points', 'USER_GROUPS' => [2], 'ACTIONS' => ['CLASS_ID' => 'CondGroup',
            'DATA' => ['All' => 'AND'], 'CHILDREN' => [['CLASS_ID' => 'RustboxMindboxPoints', 'DATA' => []]]]]);
        $this->assertIsInt($rule, 'the cart rule editor still offers the action');

        $this->shop->leaveRequest();
        \CAgent::fakeRunAll();
        $this->assertSame(['flush'], array_values(array_intersect(array_column($this->calls, 'method'), ['flush'])));
        $this->assertEqualsCanonicalizing([Agent::CALL, FeedAgent::CALL, HistoryAgent::CALL], array_column(\CAgent::fakeRows(), 'NAME'), 'the agent renamed itself by running');
        $this->assertSame([], $this->eventLogDescriptions());
    }

    public function testInstallingAgainRegistersTheCurrentNamesOnly(): void
    {
        $fresh = self::registered();
        $this->installedWithFormerNames();
        $this->assertNotSame($fresh, self::registered());

        $this->shop->installModule();

        $this->assertSame($fresh, self::registered(), 'no handler twice, none under a former name');
        $this->assertEqualsCanonicalizing([Agent::CALL, FeedAgent::CALL, HistoryAgent::CALL], array_column(\CAgent::fakeRows(), 'NAME'));
    }

    public function testUninstallingTakesTheFormerNamesAway(): void
    {
        $this->installedWithFormerNames();

        $this->assertTrue($this->shop->uninstallModule());

        $this->assertSame([], self::registered());
        $this->assertSame([], \CAgent::fakeRows());
    }

    public function testATemplateCallingPageViewByItsFormerNameStillReportsTheView(): void
    {
        ElementTable::fakeAdd(101, ['IBLOCK_ID' => 2, 'XML_ID' => 'TEA-GREEN-100', 'NAME' => 'Green tea']);

        $page = $this->shop->page(static fn () => \Rustbox\Mindbox\PageView::product(101));

        $this->assertStringContainsString('"viewProduct":{"product":{"ids":{"websiteID":"TEA-GREEN-100"}}}', $page);
    }
}
