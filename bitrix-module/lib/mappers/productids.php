<?php

namespace Rustbox\Mindbox\Mappers;

use Bitrix\Iblock\ElementTable;
use Bitrix\Iblock\SectionTable;
use Bitrix\Main\Event;
use Bitrix\Main\EventResult;
use Bitrix\Main\Loader;
use Bitrix\Sale\BasketItem;
use Rustbox\Mindbox\Config\Options;
use Rustbox\Mindbox\Config\Settings;

/**
 * Products and catalogue sections as Mindbox ids. The id must equal the one in the product feed, so it is the
 * element's (or section's) XML_ID or ID (option `product_id_source`), under the `product_id_key` name, the same for
 * the lines the server sends, the views the tracker reports and the feed's offers. The module events
 * `rustbox.mindbox:OnGetProductId` (parameters `item`: the basket line, null for a view or the feed; `elementId`;
 * `productId`; `siteId`) and `OnGetCategoryId` (`sectionId`, `categoryId`, `siteId`) let a site pick other ids (result
 * parameter `productId` / `categoryId`).
 */
final class ProductIds
{
    public const EVENT = 'OnGetProductId';
    public const CATEGORY_EVENT = 'OnGetCategoryId';

    public function __construct(private readonly Settings $settings)
    {
    }

    public function of(BasketItem $item): array
    {
        $productId = $this->chosen((string)$item->getField('PRODUCT_XML_ID'), $item->getProductId());
        return $this->keyed($this->changed(self::EVENT, 'productId', ['item' => $item, 'elementId' => $item->getProductId()], $productId));
    }

    /** A catalogue element's ids, or null when there is no such element. */
    public function ofElement(int $elementId): ?array
    {
        $row = $this->row(ElementTable::class, $elementId);
        return $row === null ? null : $this->keyed($this->productIdsOfRows([$row])[$elementId]);
    }

    /** A catalogue section's ids, or null when there is no such section. */
    public function ofSection(int $sectionId): ?array
    {
        $row = $this->row(SectionTable::class, $sectionId);
        return $row === null ? null : $this->keyed($this->categoryIdsOfRows([$row])[$sectionId]);
    }

    /**
     * The bare product ids of elements already read in bulk (rows with ID and XML_ID, such as a page of the product
     * feed), by element id: the rule and the event of of() and ofElement(), without a query per element.
     *
     * @param iterable<array> $rows
     * @return array<int, string>
     */
    public function productIdsOfRows(iterable $rows): array
    {
        $ids = [];
        foreach ($rows as $row) {
            $elementId = (int)$row['ID'];
            $productId = $this->chosen((string)($row['XML_ID'] ?? ''), $elementId);
            $ids[$elementId] = $this->changed(self::EVENT, 'productId', ['item' => null, 'elementId' => $elementId], $productId);
        }
        return $ids;
    }

    /**
     * The bare category ids of sections already read in bulk (rows with ID and XML_ID), by section id: the rule and
     * the event of ofSection().
     *
     * @param iterable<array> $rows
     * @return array<int, string>
     */
    public function categoryIdsOfRows(iterable $rows): array
    {
        $ids = [];
        foreach ($rows as $row) {
            $sectionId = (int)$row['ID'];
            $categoryId = $this->chosen((string)($row['XML_ID'] ?? ''), $sectionId);
            $ids[$sectionId] = $this->changed(self::CATEGORY_EVENT, 'categoryId', ['sectionId' => $sectionId], $categoryId);
        }
        return $ids;
    }

    private function chosen(string $xmlId, int $id): string
    {
        return $this->settings->productIdSource() === 'XML_ID' && $xmlId !== '' ? $xmlId : (string)$id;
    }

    /** @param class-string $table */
    private function row(string $table, int $id): ?array
    {
        if ($id <= 0 || !Loader::includeModule('iblock')) {
            return null;
        }
        $row = $table::getRow(['select' => ['ID', 'XML_ID'], 'filter' => ['=ID' => $id]]);
        return is_array($row) ? $row : null;
    }

    /** The id after the site's handlers of the event had their say. */
    private function changed(string $eventType, string $name, array $parameters, string $id): string
    {
        $event = new Event(Options::MODULE_ID, $eventType, $parameters + [$name => $id, 'siteId' => $this->settings->siteId()]);
        $event->send();
        foreach ($event->getResults() as $result) {
            $changed = $result->getParameters()[$name] ?? null;
            if ($result->getType() !== EventResult::ERROR && is_scalar($changed) && (string)$changed !== '') {
                $id = (string)$changed;
            }
        }
        return $id;
    }

    private function keyed(string $id): array
    {
        return [$this->settings->productIdKey() => $id];
    }
}
