<?php

namespace Rustbox\Mindbox\Handlers;

use Bitrix\Main\Context;
use Bitrix\Main\Page\Asset;
use Bitrix\Main\Page\AssetLocation;
use Rustbox\Mindbox\Config\Operation;
use Rustbox\Mindbox\Mappers\ViewMapper;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Shop\Visitor;
use Rustbox\Mindbox\Support\Guard;
use Rustbox\Mindbox\Support\PageScript;

/**
 * Product and category views, reported by the tracker on the page (Website.ViewProduct / Website.ViewCategory, the
 * options op_view_product / op_view_category) with the ids the server uses for the same products.
 *
 * Pages of the standard complex bitrix:catalog component are found by themselves: its templates keep the shown
 * element and section in $GLOBALS['CATALOG_CURRENT_ELEMENT_ID'] / ['CATALOG_CURRENT_SECTION_ID'], read at
 * main:OnEpilog. A site's own template reports a view with one call:
 *
 *     \Rustbox\Mindbox\Handlers\PageView::product($arResult['ID']);     // in catalog.element's template
 *     \Rustbox\Mindbox\Handlers\PageView::category($arResult['ID']);    // in catalog.section's template
 */
final class PageView
{
    /** @var array<string, true> what this page has reported already */
    private static array $reported = [];

    public static function product(int|string $elementId): void
    {
        Guard::run('PageView::product', static fn () => self::report(Operation::ViewProduct, (int)$elementId));
    }

    public static function category(int|string $sectionId): void
    {
        Guard::run('PageView::category', static fn () => self::report(Operation::ViewCategory, (int)$sectionId));
    }

    /** main:OnEpilog: the element or section the catalogue component showed; a product page is a product view. */
    public static function onEpilog(): void
    {
        Guard::run('main:OnEpilog', static function (): void {
            $elementId = (int)($GLOBALS['CATALOG_CURRENT_ELEMENT_ID'] ?? 0);
            $sectionId = (int)($GLOBALS['CATALOG_CURRENT_SECTION_ID'] ?? 0);
            if ($elementId > 0) {
                self::report(Operation::ViewProduct, $elementId);
            } elseif ($sectionId > 0) {
                self::report(Operation::ViewCategory, $sectionId);
            }
        });
    }

    private static function report(Operation $operation, int $id): void
    {
        $settings = Mindbox::settings();
        $seen = $operation->value . $id;
        if (!Visitor::isPublic(Context::getCurrent()?->getRequest()) || !$settings->isEnabled($operation) || isset(self::$reported[$seen])) {
            return;
        }
        $mapper = new ViewMapper($settings);
        $data = $operation === Operation::ViewProduct ? $mapper->product($id) : $mapper->category($id);
        if ($data === null) {
            return;
        }
        self::$reported[$seen] = true;
        $call = PageScript::trackerCall('async', ['operation' => $settings->operationName($operation), 'data' => $data]);
        // After the tracker's snippet, which defines the queue that holds calls until tracker.js has loaded.
        Asset::getInstance()->addString(PageScript::unmoved($call), true, AssetLocation::AFTER_JS);
    }
}
