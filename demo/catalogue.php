<?php

declare(strict_types=1);

use Bitrix\Iblock\ElementTable;
use Bitrix\Iblock\SectionTable;

/**
 * The demo shop's catalogue, the same for the pages the browser sees and the journey's server side: a section and
 * its products, stored the way the iblock module stores them (XML_ID is what the product feed, and so Mindbox,
 * knows them by).
 */
final class DemoCatalogue
{
    public const SECTION = ['id' => 7, 'xmlId' => 'TEA', 'name' => 'Tea', 'path' => '/catalog/tea/'];

    /** id => [XML_ID, name, price, page] */
    public const PRODUCTS = [
        101 => ['TEA-GREEN-100', 'Green tea, 100 g', 450.0, '/catalog/tea/green-tea-100/'],
        205 => ['CUP-WHITE', 'White cup', 890.0, '/catalog/tea/white-cup/'],
    ];

    public static function stock(): void
    {
        SectionTable::fakeAdd(self::SECTION['id'], ['IBLOCK_ID' => 2, 'XML_ID' => self::SECTION['xmlId'], 'NAME' => self::SECTION['name']]);
        foreach (self::PRODUCTS as $id => [$xmlId, $name]) {
            ElementTable::fakeAdd($id, ['IBLOCK_ID' => 2, 'XML_ID' => $xmlId, 'NAME' => $name, 'IBLOCK_SECTION_ID' => self::SECTION['id']]);
        }
    }
}
