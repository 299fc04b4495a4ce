<?php

namespace Rustbox\Mindbox\Setup;

use Bitrix\Main\EventManager;
use Bitrix\Main\SiteTable;
use Rustbox\Mindbox\Config\Options;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Feed\Agent as FeedAgent;
use Rustbox\Mindbox\Feed\FeedException;
use Rustbox\Mindbox\Feed\FeedJob;
use Rustbox\Mindbox\History\Agent as HistoryAgent;
use Rustbox\Mindbox\History\HistoryJob;
use Rustbox\Mindbox\Handlers;
use Rustbox\Mindbox\Outbox\Agent;

/** What installing the module adds to the core, and uninstalling takes away again. */
final class Installer
{
    private const SORT = 1000;

    /**
     * [from module, event, handler class, method, compatible, sort (default SORT)]. The sale module's D7 events give the
     * Event object only to registerEventHandler; the old-kernel events of main and subscribe are registered in the compatible
     * form, which is how they are fired anyway (positional values, fields by reference).
     */
    private const HANDLERS = [
        // Last of the order's checks, so that a save another handler refuses is never confirmed in Mindbox first.
        ['sale', 'OnSaleOrderBeforeSaved', Handlers\Order::class, 'onSaleOrderBeforeSaved', false, 100000],
        ['sale', 'OnSaleOrderSaved', Handlers\Order::class, 'onSaleOrderSaved', false],
        ['sale', 'OnSaleBeforeOrderDelete', Handlers\Order::class, 'onSaleBeforeOrderDelete', false],
        ['sale', 'OnSaleOrderDeleted', Handlers\Order::class, 'onSaleOrderDeleted', false],
        ['sale', 'OnSaleBasketItemEntitySaved', Handlers\Basket::class, 'onSaleBasketItemEntitySaved', false],
        ['sale', 'OnSaleBasketItemEntityDeleted', Handlers\Basket::class, 'onSaleBasketItemEntityDeleted', false],
        ['sale', 'OnSaleBasketSaved', Handlers\Basket::class, 'onSaleBasketSaved', false],
        ['sale', 'OnBeforeSaleOrderFinalAction', Handlers\Checkout::class, 'onBeforeSaleOrderFinalAction', false],
        // The cart rule editor and CSaleDiscount::Add() build their list of action controls from this event.
        ['sale', 'OnCondSaleActionsControlBuildList', Handlers\CartRuleAction::class, 'GetControlDescr', true],
        // The checkout component fires these the old way (GetModuleEvents + ExecuteModuleEventEx), arrays by reference.
        ['sale', 'OnSaleComponentOrderCreated', Handlers\Checkout::class, 'onSaleComponentOrderCreated', true],
        ['sale', 'OnSaleComponentOrderResultPrepared', Handlers\Checkout::class, 'onSaleComponentOrderResultPrepared', true],
        ['main', 'OnAfterUserRegister', Handlers\User::class, 'onAfterUserRegister', true],
        ['main', 'OnAfterUserAdd', Handlers\User::class, 'onAfterUserAdd', true],
        ['main', 'OnBeforeUserUpdate', Handlers\User::class, 'onBeforeUserUpdate', true],
        ['main', 'OnAfterUserUpdate', Handlers\User::class, 'onAfterUserUpdate', true],
        ['main', 'OnAfterUserAuthorize', Handlers\User::class, 'onAfterUserAuthorize', true],
        ['main', 'OnProlog', Handlers\Tracker::class, 'onProlog', true],
        ['main', 'OnEpilog', Handlers\PageView::class, 'onEpilog', true],
        ['main', 'OnEventLogGetAuditTypes', Handlers\AuditTypes::class, 'onEventLogGetAuditTypes', true],
        // The order pages' CAdminTabEngine asks for tab sets the old way (ExecuteModuleEventEx), with the order's id.
        ['main', 'OnAdminSaleOrderView', Handlers\OrderTab::class, 'onAdminSaleOrderView', true],
        ['main', 'OnAdminSaleOrderEdit', Handlers\OrderTab::class, 'onAdminSaleOrderEdit', true],
        ['subscribe', 'OnBeforeSubscriptionAdd', Handlers\Subscription::class, 'onBeforeSubscriptionAdd', true],
        ['subscribe', 'OnBeforeSubscriptionUpdate', Handlers\Subscription::class, 'onBeforeSubscriptionUpdate', true],
        ['subscribe', 'OnBeforeSubscriptionDelete', Handlers\Subscription::class, 'onBeforeSubscriptionDelete', true],
        ['subscribe', 'OnAfterSubscriptionDelete', Handlers\Subscription::class, 'onAfterSubscriptionDelete', true],
        // ORM events of \Bitrix\Sender\MailingSubscriptionTable, under the entity's un-namespaced event names.
        ['sender', 'MailingSubscriptionOnAfterAdd', Handlers\Subscription::class, 'onSenderSubscriptionSaved', false],
        ['sender', 'MailingSubscriptionOnAfterUpdate', Handlers\Subscription::class, 'onSenderSubscriptionSaved', false],
    ];

    /**
     * The default outbox's directory, made by the site's own user (the installer runs in the admin, as PHP does),
     * 0750 as the extension wants it, with an .htaccess for Apache; nginx configs deny /bitrix/php_interface
     * themselves. An existing directory is left as it is: the extension says what is wrong with it.
     */
    public static function prepareOutboxDirectory(): void
    {
        $dir = Settings::defaultOutboxDirectory();
        if (!is_dir($dir) && !@mkdir($dir, 0750, true)) {
            return;
        }
        $htaccess = $dir . '/.htaccess';
        if (!is_file($htaccess)) {
            @file_put_contents($htaccess, "Require all denied\n<IfModule !mod_authz_core.c>\n    Deny from all\n</IfModule>\n");
        }
    }

    /** Registers every handler, and takes away what a former version registered under a class's former name. */
    public static function installEvents(): void
    {
        $manager = EventManager::getInstance();
        foreach (self::HANDLERS as $handler) {
            [$module, $event, $class, $method, $compatible] = $handler;
            $register = $compatible ? 'registerEventHandlerCompatible' : 'registerEventHandler';
            $manager->$register($module, $event, Options::MODULE_ID, $class, $method, $handler[5] ?? self::SORT);
            $former = Renamed::formerName($class);
            if ($former !== null) {
                $manager->unRegisterEventHandler($module, $event, Options::MODULE_ID, $former, $method);
            }
        }
    }

    /**
     * Handlers a former version registered that this one no longer has, [from module, event, class, method]: an upgrade
     * takes them away (Upgrade), and so does an uninstall.
     */
    private const RETIRED = [];

    /** Takes away the handlers of RETIRED. */
    public static function retireEvents(): void
    {
        $manager = EventManager::getInstance();
        foreach (self::RETIRED as [$module, $event, $class, $method]) {
            $manager->unRegisterEventHandler($module, $event, Options::MODULE_ID, $class, $method);
        }
    }

    /** The former names too: an install made with them may be removed without being installed again first. */
    public static function uninstallEvents(): void
    {
        $manager = EventManager::getInstance();
        foreach (self::HANDLERS as [$module, $event, $class, $method]) {
            foreach (array_filter([$class, Renamed::formerName($class)]) as $name) {
                $manager->unRegisterEventHandler($module, $event, Options::MODULE_ID, $name, $method);
            }
        }
        self::retireEvents();
    }

    /**
     * The agents, call => interval in seconds. Not periodic (IS_PERIOD N): with agents moved to cron the core runs them
     * from cron only, and each next call is counted from the end of the last one (the feed agent sets its own).
     */
    private const AGENTS = [Agent::CALL => Agent::INTERVAL, FeedAgent::CALL => FeedAgent::IDLE_INTERVAL, HistoryAgent::CALL => HistoryAgent::IDLE_INTERVAL];

    public static function installAgent(): void
    {
        \CAgent::RemoveAgent(self::formerAgentCall(), Options::MODULE_ID);
        foreach (self::AGENTS as $call => $interval) {
            // A repeated install keeps an agent (and its schedule) that is already there. GetList's NAME is a LIKE
            // pattern, so =NAME.
            if (!\CAgent::GetList([], ['=NAME' => $call, 'MODULE_ID' => Options::MODULE_ID])->Fetch()) {
                \CAgent::AddAgent($call, Options::MODULE_ID, 'N', $interval);
            }
        }
    }

    public static function uninstallAgent(): void
    {
        foreach (array_keys(self::AGENTS) as $call) {
            \CAgent::RemoveAgent($call, Options::MODULE_ID);
        }
        \CAgent::RemoveAgent(self::formerAgentCall(), Options::MODULE_ID);
    }

    /** Every site's product feeds; a site whose address is unknown never had one made. */
    public static function removeFeeds(): void
    {
        $sites = SiteTable::getList(['select' => ['LID']]);
        while ($site = $sites->fetch()) {
            try {
                FeedJob::forSite((string)$site['LID'])->removeFiles();
            } catch (FeedException) {
            }
        }
    }

    /** Every site's history run and parts: the parts hold customers' personal data. */
    public static function removeHistory(): void
    {
        $sites = SiteTable::getList(['select' => ['LID']]);
        while ($site = $sites->fetch()) {
            try {
                HistoryJob::forSite((string)$site['LID'])->removeFiles();
            } catch (\InvalidArgumentException) {
                // history_directory names no folder the module could have written.
            }
        }
    }

    /** An agent added under the former name is stored so until it runs: a run returns, and so stores, Agent::CALL. */
    private static function formerAgentCall(): string
    {
        return str_replace(Agent::class, (string)Renamed::formerName(Agent::class), Agent::CALL);
    }
}
