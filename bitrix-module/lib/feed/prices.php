<?php

namespace Rustbox\Mindbox\Feed;

use Bitrix\Catalog\GroupTable;
use Bitrix\Catalog\PriceTable;

/**
 * The prices a page of the catalogue shows an anonymous buyer (user group 2 only, passed explicitly: never the groups
 * of whoever runs the feed, an admin or a wholesale buyer), after the catalog discounts that buyer gets, for each
 * price type asked. The page's price rows are read in one query and handed to CCatalogProduct::GetOptimalPrice, which
 * then reads no price of its own; the core's per-hit caches it consults (element iblocks, VAT, the discounts' product
 * data and sections) are filled for the whole page first, as the catalogue components do, and emptied after it, so
 * memory stays flat across pages.
 */
final class Prices
{
    private const ANONYMOUS = [2];

    /** @param list<int> $priceTypes */
    public function __construct(private readonly array $priceTypes, private readonly string $siteId)
    {
    }

    /** The base price type (BASE = Y), what the feed shows unless `feed_price_type` names another. */
    public static function baseType(): int
    {
        $row = GroupTable::getList(['select' => ['ID'], 'filter' => ['=BASE' => 'Y'], 'limit' => 1])->fetch();
        if (!$row) {
            throw new FeedException('The catalogue has no base price type: set feed_price_type');
        }
        return (int)$row['ID'];
    }

    /**
     * @param array<int, int> $elements element id => its iblock, for every product and offer of the page
     * @return array<int, array<int, array{price: float, oldprice?: float, currencyId: string}>> element id => price
     *     type => its price; oldprice only when a discount makes the price lower
     */
    public function of(array $elements): array
    {
        if ($elements === []) {
            return [];
        }
        $rows = $this->rows(array_keys($elements));
        $this->fillCaches($elements);
        try {
            $prices = [];
            foreach ($rows as $elementId => $byType) {
                foreach ($byType as $type => $list) {
                    $price = $this->optimal($elementId, $list);
                    if ($price !== null) {
                        $prices[$elementId][$type] = $price;
                    }
                }
            }
            return $prices;
        } finally {
            \CCatalogDiscount::ClearDiscountCache(['PRODUCT' => true, 'SECTIONS' => true, 'PROPERTIES' => true]);
        }
    }

    /** @return array<int, array<int, list<array>>> element id => price type => its rows for a quantity of 1 */
    private function rows(array $elementIds): array
    {
        $rows = [];
        $result = PriceTable::getList([
            'select' => ['ID', 'PRODUCT_ID', 'CATALOG_GROUP_ID', 'PRICE', 'CURRENCY', 'PRICE_SCALE'],
            'filter' => [
                '@PRODUCT_ID' => $elementIds,
                '@CATALOG_GROUP_ID' => $this->priceTypes,
                ['LOGIC' => 'OR', '<=QUANTITY_FROM' => 1, '=QUANTITY_FROM' => null],
                ['LOGIC' => 'OR', '>=QUANTITY_TO' => 1, '=QUANTITY_TO' => null],
            ],
        ]);
        while ($row = $result->fetch()) {
            $rows[(int)$row['PRODUCT_ID']][(int)$row['CATALOG_GROUP_ID']][] = $row;
        }
        return $rows;
    }

    /** @param array<int, int> $elements */
    private function fillCaches(array $elements): void
    {
        $ids = array_keys($elements);
        \CIBlockElement::GetIBlockByIDList($ids);
        \CCatalogProduct::GetVATDataByIDList($ids);
        \CCatalogDiscount::SetProductSectionsCache($ids);
        $byIblock = [];
        foreach ($elements as $id => $iblockId) {
            $byIblock[$iblockId][] = $id;
        }
        foreach ($byIblock as $iblockId => $iblockIds) {
            \CCatalogDiscount::SetDiscountProductCache($iblockIds, ['IBLOCK_ID' => $iblockId, 'GET_BY_ID' => 'Y']);
        }
    }

    /** @return array{price: float, oldprice?: float, currencyId: string}|null */
    private function optimal(int $elementId, array $rows): ?array
    {
        $optimal = \CCatalogProduct::GetOptimalPrice($elementId, 1, self::ANONYMOUS, 'N', $rows, $this->siteId, []);
        $result = is_array($optimal) ? $optimal['RESULT_PRICE'] ?? null : null;
        if (!is_array($result)) {
            return null;
        }
        $price = round((float)$result['DISCOUNT_PRICE'], 2);
        $base = round((float)$result['BASE_PRICE'], 2);
        return ['price' => $price, 'currencyId' => (string)$result['CURRENCY']] + ($base > $price ? ['oldprice' => $base] : []);
    }
}
