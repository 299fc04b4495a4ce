<?php

namespace Rustbox\Mindbox\Handlers;

use Rustbox\Mindbox\Admin\OrderPage;
use Rustbox\Mindbox\Support\Guard;

/**
 * main:OnAdminSaleOrderView and main:OnAdminSaleOrderEdit: the sale module's order pages (sale/admin/order_view.php,
 * order_edit.php) make a CAdminTabEngine (main/interface/admin_tabengine.php), which calls each handler the old way
 * (ExecuteModuleEventEx) with [['ID' => the order's id]] and keeps the tab set it returns under its TABSET; the tab
 * control then calls its GetTabs($args) and, for each tab, ShowTab($div, $args, $varsFromForm) inside the tab's table.
 * Registered compatible. The tab is Admin\OrderPage's.
 */
final class OrderTab
{
    private const TABSET = 'rustbox_mindbox';

    public static function onAdminSaleOrderView(array $args): array
    {
        return ['TABSET' => self::TABSET, 'GetTabs' => [self::class, 'getTabs'], 'ShowTab' => [self::class, 'showOnView']];
    }

    public static function onAdminSaleOrderEdit(array $args): array
    {
        return ['TABSET' => self::TABSET, 'GetTabs' => [self::class, 'getTabs'], 'ShowTab' => [self::class, 'showOnEdit']];
    }

    public static function getTabs(array $args): ?array
    {
        return OrderPage::tabs((int)($args['ID'] ?? 0));
    }

    public static function showOnView(string $div, array $args): void
    {
        self::show($args, 'view');
    }

    /** Inside the edit page's form. */
    public static function showOnEdit(string $div, array $args): void
    {
        self::show($args, 'edit');
    }

    /** The tab is made whole before it is shown: a failure shows nothing of it, never half. */
    private static function show(array $args, string $page): void
    {
        Guard::run('main:OnAdminSaleOrder', static function () use ($args, $page): void {
            echo OrderPage::tab((int)($args['ID'] ?? 0), $page);
        });
    }
}
