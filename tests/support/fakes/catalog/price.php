<?php
// CCatalogProduct::GetOptimalPrice (catalog/general/product.php; GetVATDataByID/ByIDList in catalog/mysql/product.php)
// with the catalog discounts it applies (catalog/general/discount.php CCatalogDiscount::GetDiscount,
// applyDiscountList, and the per-hit caches a catalogue page fills first: SetProductSectionsCache,
// SetDiscountProductCache, ClearDiscountCache): the lowest price a set of user groups may buy a product at, after
// discounts. The groups are the ones passed plus group 2 (everyone); the current user's are never looked up, so an
// empty list prices for an anonymous buyer. What the real methods ask the database is recorded on the connection's
// tracker, except the properties and the parent product that GetDiscount's product data also reads (the fake's
// discounts test neither).

use Bitrix\Catalog\GroupAccessTable;
use Bitrix\Catalog\PriceTable;

class CCatalogDiscount
{
    /** @var list<array> */
    private static array $discounts = [];
    /** @var array<int, true> products whose data the discount conditions need is loaded (arCacheProduct) */
    private static array $products = [];
    /** @var array<int, true> products whose sections are loaded (arCacheProductSections) */
    private static array $sections = [];

    public static function fakeReset(): void
    {
        self::$discounts = self::$products = self::$sections = [];
    }

    /** The sections of many products, for the discount conditions: one query per 500. */
    public static function SetProductSectionsCache($arItemIDs)
    {
        foreach (array_chunk(array_map('intval', (array)$arItemIDs), 500) as $ids) {
            self::query('SELECT BS.ID, BSE.IBLOCK_ELEMENT_ID FROM b_iblock_section_element BSE ... IN (' . implode(',', $ids) . ')');
            self::$sections += array_fill_keys($ids, true);
        }
    }

    /** With GET_BY_ID = Y, the data of many products in one query (their sections from the cache above, if there). */
    public static function SetDiscountProductCache($arItem, $arParams = [])
    {
        if (($arParams['GET_BY_ID'] ?? 'N') !== 'Y') {
            throw new \LogicException('the fake core loads the discount cache by ids only');
        }
        self::query('SELECT BE.* FROM b_iblock_element BE WHERE ID IN (' . implode(',', array_map('intval', (array)$arItem)) . ')');
        foreach (array_map('intval', (array)$arItem) as $id) {
            self::productData($id);
        }
    }

    public static function ClearDiscountCache($arTypes)
    {
        if (isset($arTypes['PRODUCT'])) {
            self::$products = [];
        }
        if (isset($arTypes['SECTIONS'])) {
            self::$sections = [];
        }
    }

    /**
     * A catalog discount: VALUE_TYPE P (percent), F (fixed amount off) or S (a set price); for the user groups,
     * price types and products listed (empty: all). PRIORITY orders them (highest first); one with LAST_DISCOUNT = Y
     * (the default) stops those after it.
     */
    public static function fakeAdd(array $discount): void
    {
        $discount += ['NAME' => 'Discount', 'VALUE_TYPE' => 'P', 'CURRENCY' => 'RUB', 'PRIORITY' => 1,
            'LAST_DISCOUNT' => 'Y', 'GROUP_IDS' => [], 'CATALOG_GROUP_IDS' => [], 'PRODUCT_IDS' => []];
        // Kept as keys: a catalogue of many products asks for each of them.
        $discount['PRODUCT_IDS'] = array_fill_keys(array_map('intval', $discount['PRODUCT_IDS']), true);
        self::$discounts[] = $discount;
    }

    /** @return list<array> the discounts for a product at a price type for these groups, highest priority first */
    public static function GetDiscount($intProductID, $intIBlockID, $arCatalogGroups = [], $arUserGroups = [], $strRenewal = 'N', $siteID = false, $arDiscountCoupons = false)
    {
        $applies = static fn (array $listed, array $asked) => $listed === [] || array_intersect($listed, $asked) !== [];
        $candidates = array_filter(self::$discounts, static fn (array $d) => $applies($d['GROUP_IDS'], array_map('intval', (array)$arUserGroups))
            && $applies($d['CATALOG_GROUP_IDS'], array_map('intval', (array)$arCatalogGroups)));
        if ($candidates !== [] && !isset(self::$products[(int)$intProductID])) {
            // The conditions are tested against the product's data, read once per hit unless cached beforehand.
            self::query('SELECT BE.* FROM b_iblock_element BE WHERE ID = ' . (int)$intProductID);
            self::productData((int)$intProductID);
        }
        $found = array_values(array_filter($candidates, static fn (array $d) => $d['PRODUCT_IDS'] === [] || isset($d['PRODUCT_IDS'][(int)$intProductID])));
        usort($found, static fn (array $a, array $b) => $b['PRIORITY'] <=> $a['PRIORITY']);
        return $found;
    }

    private static function productData(int $id): void
    {
        if (!isset(self::$sections[$id])) {
            self::query('SELECT BS.ID FROM b_iblock_section_element BSE ... WHERE IBLOCK_ELEMENT_ID = ' . $id);
            self::$sections[$id] = true;
        }
        self::$products[$id] = true;
    }

    private static function query(string $sql): void
    {
        \Bitrix\Main\Application::getConnection()->fakeQuery($sql);
    }

    /** @return array{PRICE: float, DISCOUNT_LIST: list<array>} */
    public static function applyDiscountList($price, $currency, $discountList)
    {
        $applied = [];
        foreach ($discountList as $discount) {
            $price = match ($discount['VALUE_TYPE']) {
                'P' => $price * (1 - $discount['VALUE'] / 100),
                'F' => $price - $discount['VALUE'],
                'S' => (float)$discount['VALUE'],
            };
            $price = round(max($price, 0.0), 2);
            $applied[] = ['ID' => $discount['ID'], 'NAME' => $discount['NAME'], 'VALUE_TYPE' => $discount['VALUE_TYPE'],
                'VALUE' => $discount['VALUE'], 'CURRENCY' => $discount['CURRENCY']];
            if ($discount['LAST_DISCOUNT'] === 'Y') {
                break;
            }
        }
        return ['PRICE' => $price, 'DISCOUNT_LIST' => $applied];
    }
}

class CCatalogProduct
{
    /** @var array<int, array|false> product id => its VAT row (false: none), the real class's cache for the hit */
    private static array $vat = [];

    public static function fakeReset(): void
    {
        self::$vat = [];
    }

    /** The fake's products have no VAT of their own (false): prices include it at rate 0. One query for the unknown. */
    public static function GetVATDataByIDList(array $list)
    {
        $ids = array_values(array_filter(array_unique(array_map('intval', $list)), static fn (int $id) => $id > 0));
        $unknown = array_values(array_filter($ids, static fn (int $id) => !array_key_exists($id, self::$vat)));
        if ($unknown !== []) {
            \Bitrix\Main\Application::getConnection()->fakeQuery('select CAT_PR.ID as PRODUCT_ID, CAT_VAT.* from b_catalog_product CAT_PR ... where CAT_PR.ID in (' . implode(', ', $unknown) . ')');
            self::$vat += array_fill_keys($unknown, false);
        }
        return array_intersect_key(self::$vat, array_flip($ids));
    }

    public static function GetVATDataByID($id)
    {
        return (int)$id > 0 ? self::GetVATDataByIDList([(int)$id])[(int)$id] : false;
    }

    /**
     * The price types the groups may buy at, their prices for this quantity, each after its discounts; the lowest
     * wins. False (with an exception on $APPLICATION) when there is no such product or no price. The fake's prices
     * include VAT at rate 0 and are in one currency, the result's.
     */
    public static function GetOptimalPrice($intProductID, $quantity = 1, $arUserGroups = [], $renewal = 'N', $priceList = [], $siteID = false, $arDiscountCoupons = false)
    {
        $productId = (int)$intProductID;
        $groups = array_map('intval', is_array($arUserGroups) ? $arUserGroups : [$arUserGroups]);
        $groups = array_values(array_unique([...array_filter($groups), 2]));
        $iblockId = CIBlockElement::GetIBlockByID($productId);
        $error = match (true) {
            $productId <= 0 => 'NO_PRODUCT_ID',
            (float)$quantity <= 0 => 'NO_QUANTITY',
            $iblockId === false => 'NO_ELEMENT',
            default => null,
        };
        if ($error !== null) {
            ($GLOBALS['APPLICATION'] ?? null)?->ThrowException("no price for product $productId", $error);
            return false;
        }
        $prices = is_array($priceList) && $priceList !== [] ? $priceList : self::prices($productId, (float)$quantity, $groups);
        if ($prices !== []) {
            self::GetVATDataByID($productId);
        }
        $best = null;
        foreach ($prices as $raw) {
            $raw += ['ELEMENT_IBLOCK_ID' => $iblockId, 'VAT_RATE' => 0.0, 'VAT_INCLUDED' => 'Y'];
            if ($raw['CURRENCY'] !== 'RUB') {
                throw new \LogicException('the fake core prices in RUB only and converts no currency');
            }
            $base = round((float)$raw['PRICE'], 2);
            $discounts = CCatalogDiscount::GetDiscount($productId, $iblockId, [(int)$raw['CATALOG_GROUP_ID']], $groups, $renewal, $siteID);
            $applied = CCatalogDiscount::applyDiscountList($base, 'RUB', $discounts);
            if ($best === null || $applied['PRICE'] < $best['PRICE']) {
                $best = ['RAW' => $raw, 'BASE' => $base] + $applied;
            }
        }
        return $best === null ? false : self::result($productId, $best);
    }

    private static function prices(int $productId, float $quantity, array $groups): array
    {
        $types = array_column(GroupAccessTable::getList([
            'select' => ['CATALOG_GROUP_ID'],
            'filter' => ['@GROUP_ID' => $groups, '=ACCESS' => GroupAccessTable::ACCESS_BUY],
        ])->fetchAll(), 'CATALOG_GROUP_ID');
        if ($types === []) {
            return [];
        }
        return PriceTable::getList([
            'select' => ['ID', 'CATALOG_GROUP_ID', 'PRICE', 'CURRENCY'],
            'filter' => ['=PRODUCT_ID' => $productId, '@CATALOG_GROUP_ID' => $types,
                ['LOGIC' => 'OR', '<=QUANTITY_FROM' => $quantity, '=QUANTITY_FROM' => null],
                ['LOGIC' => 'OR', '>=QUANTITY_TO' => $quantity, '=QUANTITY_TO' => null]],
            'order' => ['CATALOG_GROUP_ID' => 'ASC'],
        ])->fetchAll();
    }

    private static function result(int $productId, array $best): array
    {
        $discount = $best['BASE'] - $best['PRICE'];
        return [
            'PRICE' => $best['RAW'],
            'RESULT_PRICE' => [
                'ID' => $best['RAW']['ID'], 'PRICE_TYPE_ID' => $best['RAW']['CATALOG_GROUP_ID'],
                'BASE_PRICE' => $best['BASE'], 'DISCOUNT_PRICE' => $best['PRICE'], 'CURRENCY' => 'RUB',
                'DISCOUNT' => $discount,
                'PERCENT' => $best['BASE'] > 0 && $discount > 0 ? round(100 * $discount / $best['BASE'], 0) : 0,
                'VAT_RATE' => 0.0, 'VAT_INCLUDED' => 'Y',
                'UNROUND_BASE_PRICE' => $best['BASE'], 'UNROUND_DISCOUNT_PRICE' => $best['PRICE'],
            ],
            'DISCOUNT_PRICE' => $best['PRICE'],
            'DISCOUNT' => $best['DISCOUNT_LIST'][0] ?? [],
            'DISCOUNT_LIST' => $best['DISCOUNT_LIST'],
            'PRODUCT_ID' => $productId,
        ];
    }
}
