<?php
// CCatalogSku (catalog/general/catalog_sku.php): which iblock holds a catalogue's offers and which property links
// each offer to its product (read once per iblock and hit, as the real class caches it), and the offers of many
// products at once.

use Bitrix\Catalog\CatalogIblockTable;

class CCatalogSku
{
    public const TYPE_CATALOG = 'D';
    public const TYPE_PRODUCT = 'P';
    public const TYPE_OFFERS = 'O';
    public const TYPE_FULL = 'X';

    /** @var array<string, array|false> */
    private static array $info = [];

    public static function fakeReset(): void
    {
        self::$info = [];
    }

    /** The offers iblock of a products iblock (IBLOCK_ID, PRODUCT_IBLOCK_ID, SKU_PROPERTY_ID, VERSION as ints), or false. */
    public static function GetInfoByProductIBlock($intIBlockID)
    {
        return self::info('=PRODUCT_IBLOCK_ID', (int)$intIBlockID);
    }

    /** The same from the offers' side, or false when the iblock holds no offers. */
    public static function GetInfoByOfferIBlock($intIBlockID)
    {
        return self::info('=IBLOCK_ID', (int)$intIBlockID);
    }

    /**
     * [product id => [offer id => offer]] for the products asked that have offers (ids sorted; the real method drops
     * the empty entries with array_filter), or []
     * when no product's iblock has offers. An offer has the fields asked plus ID and IBLOCK_ID (ints) and PARENT_ID;
     * nothing else, whatever the iblock holds; inactive offers too unless $skuFilter says otherwise; ordered by ID.
     */
    public static function getOffersList($productID, $iblockID = 0, $skuFilter = [], $fields = [], $propertyFilter = [], $options = [], $order = [])
    {
        $productIds = array_values(array_unique(array_filter(array_map('intval', (array)$productID), static fn (int $id) => $id > 0)));
        sort($productIds);
        if ($productIds === []) {
            return false;
        }
        $byIblock = [];
        foreach ($productIds as $id) {
            $iblock = (int)$iblockID ?: (int)CIBlockElement::GetIBlockByID($id);
            if ($iblock > 0 && self::GetInfoByProductIBlock($iblock)) {
                $byIblock[$iblock][] = $id;
            }
        }
        if ($byIblock === []) {
            return [];
        }
        $result = array_fill_keys($productIds, []);
        $order = $order ?: ['ID' => 'ASC'];
        foreach ($byIblock as $iblock => $products) {
            self::collect($result, self::GetInfoByProductIBlock($iblock), $products, (array)$skuFilter, (array)$fields, $order);
        }
        $propertyFilter = array_filter((array)$propertyFilter);
        if ($propertyFilter !== []) {
            self::withProperties($result, $propertyFilter, (array)$options);
        }
        return array_filter($result);
    }

    private static function collect(array &$result, array $sku, array $products, array $skuFilter, array $fields, array $order): void
    {
        $link = 'PROPERTY_' . $sku['SKU_PROPERTY_ID'];
        $filter = ['IBLOCK_ID' => $sku['IBLOCK_ID'], '=' . $link => $products] + $skuFilter;
        $select = array_merge($fields, ['ID', 'IBLOCK_ID', $link], array_keys($order));
        $offers = CIBlockElement::GetList($order, $filter, false, false, $select);
        while ($offer = $offers->Fetch()) {
            $parent = (int)$offer[$link . '_VALUE'];
            unset($offer[$link . '_VALUE'], $offer[$link . '_VALUE_ID']);
            $offer['ID'] = (int)$offer['ID'];
            $offer['IBLOCK_ID'] = (int)$offer['IBLOCK_ID'];
            $offer['PARENT_ID'] = $parent;
            $result[$parent][$offer['ID']] = $offer;
        }
    }

    /** The properties asked by ID or CODE, read for the offers in one call per offers iblock. */
    private static function withProperties(array &$result, array $propertyFilter, array $options): void
    {
        $byIblock = [];
        foreach ($result as $parent => $offers) {
            foreach ($offers as $id => $offer) {
                $result[$parent][$id]['PROPERTIES'] = [];
                $byIblock[$offer['IBLOCK_ID']][$id] = &$result[$parent][$id];
            }
        }
        foreach ($byIblock as $iblock => $links) {
            CIBlockElement::GetPropertyValuesArray($links, $iblock, ['ID' => array_keys($links)], $propertyFilter, $options);
            unset($links);
        }
    }

    private static function info(string $key, int $iblockId)
    {
        if ($iblockId <= 0) {
            return false;
        }
        if (array_key_exists("$key$iblockId", self::$info)) {
            return self::$info["$key$iblockId"];
        }
        $row = CatalogIblockTable::getRow(['filter' => [$key => $iblockId, '>SKU_PROPERTY_ID' => 0]]);
        return self::$info["$key$iblockId"] = $row === null ? false : ['IBLOCK_ID' => (int)$row['IBLOCK_ID'],
            'PRODUCT_IBLOCK_ID' => (int)$row['PRODUCT_IBLOCK_ID'], 'SKU_PROPERTY_ID' => (int)$row['SKU_PROPERTY_ID'], 'VERSION' => 1];
    }
}
