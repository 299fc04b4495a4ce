<?php

declare(strict_types=1);

use Bitrix\Catalog\CatalogIblockTable;
use Bitrix\Catalog\GroupAccessTable;
use Bitrix\Catalog\GroupTable;
use Bitrix\Catalog\PriceTable;
use Bitrix\Catalog\ProductTable;
use Bitrix\Currency\CurrencyTable;
use Bitrix\Iblock\ElementTable;
use Bitrix\Iblock\FakeStore;
use Bitrix\Iblock\SectionTable;

/**
 * The demo shop's catalogue, the same for the pages the browser sees, the journey's server side and the product
 * feed: a section and its products in a catalogue information block, with their catalog rows and a base price
 * everyone buys at, stored the way the iblock, catalog and currency modules store them (XML_ID is what the product
 * feed, and so Mindbox, knows them by).
 */
final class DemoCatalogue
{
    public const IBLOCK = 2;
    public const SECTION = ['id' => 7, 'xmlId' => 'TEA', 'name' => 'Tea', 'code' => 'tea', 'path' => '/catalog/tea/'];
    /** The shop's base price type, which all visitors (group 2) buy at. */
    private const BASE_PRICE = 1;

    /** id => [XML_ID, name, price, page] */
    public const PRODUCTS = [
        101 => ['TEA-GREEN-100', 'Green tea, 100 g', 450.0, '/catalog/tea/green-tea-100/'],
        205 => ['CUP-WHITE', 'White cup', 890.0, '/catalog/tea/white-cup/'],
    ];

    public static function stock(): void
    {
        FakeStore::addIblock(self::IBLOCK, ['CODE' => 'catalog', 'NAME' => 'Catalogue']);
        CatalogIblockTable::fakeAdd(['IBLOCK_ID' => self::IBLOCK]);
        CurrencyTable::fakeAdd(['CURRENCY' => 'RUB', 'AMOUNT' => '1', 'AMOUNT_CNT' => 1, 'BASE' => 'Y']);
        GroupTable::fakeAdd(['ID' => self::BASE_PRICE, 'NAME' => 'BASE', 'BASE' => 'Y']);
        GroupAccessTable::fakeAdd(['ID' => 1, 'CATALOG_GROUP_ID' => self::BASE_PRICE, 'GROUP_ID' => 2]);
        GroupAccessTable::fakeAdd(['ID' => 2, 'CATALOG_GROUP_ID' => self::BASE_PRICE, 'GROUP_ID' => 2,
            'ACCESS' => GroupAccessTable::ACCESS_VIEW]);
        $section = ['NAME' => self::SECTION['name'], 'XML_ID' => self::SECTION['xmlId'], 'CODE' => self::SECTION['code']];
        FakeStore::addSection(self::SECTION['id'], self::IBLOCK, $section);
        SectionTable::fakeAdd(self::SECTION['id'], ['IBLOCK_ID' => self::IBLOCK] + $section);
        foreach (self::PRODUCTS as $id => [$xmlId, $name, $price, $page]) {
            $fields = ['XML_ID' => $xmlId, 'NAME' => $name, 'CODE' => basename($page),
                'PREVIEW_TEXT' => $name . ' from the demo shop'];
            FakeStore::addElement($id, self::IBLOCK, $fields, [self::SECTION['id']]);
            ElementTable::fakeAdd($id, ['IBLOCK_ID' => self::IBLOCK, 'IBLOCK_SECTION_ID' => self::SECTION['id']] + $fields);
            ProductTable::fakeAdd(['ID' => $id, 'TYPE' => ProductTable::TYPE_PRODUCT, 'AVAILABLE' => 'Y', 'QUANTITY' => 20]);
            PriceTable::fakeAdd(['ID' => $id, 'PRODUCT_ID' => $id, 'CATALOG_GROUP_ID' => self::BASE_PRICE,
                'PRICE' => sprintf('%.2f', $price), 'CURRENCY' => 'RUB']);
        }
    }
}
