<?php

namespace Rustbox\Mindbox\Feed;

/**
 * One page of the catalogue as CatalogueReader read it: products in ID order and everything the feed shows of them
 * and of their offers, each loaded for the whole page at once. Values are the database's, unescaped.
 */
final class CataloguePage
{
    /**
     * @param list<array> $products rows of the products iblock (ID, NAME, XML_ID, ACTIVE, DETAIL_PAGE_URL filled in, …)
     * @param array<int, list<array>> $offers product id => its offers' rows, by ID
     * @param array<int, array{AVAILABLE: string, TYPE: string}> $catalog element id => its catalog row
     * @param array<int, array<string, array>> $properties element id => property code => its values (VALUE, MULTIPLE…)
     * @param array<int, list<int>> $sections product id => its sections
     * @param array<int, string> $pictures file id => its absolute address
     * @param array<int, array<int, array{price: float, oldprice?: float, currencyId: string}>> $prices element id =>
     *     price type => its price for an anonymous buyer
     * @param array<int, array<int, float>> $stocks element id => warehouse => amount, for the regional warehouses
     */
    public function __construct(
        public readonly array $products,
        public readonly array $offers,
        public readonly array $catalog,
        public readonly array $properties,
        public readonly array $sections,
        public readonly array $pictures,
        public readonly array $prices,
        public readonly array $stocks,
    ) {
    }

    public function isEmpty(): bool
    {
        return $this->products === [];
    }

    /** The last product's id: where the next page starts. */
    public function lastId(): int
    {
        return $this->products === [] ? 0 : (int)$this->products[count($this->products) - 1]['ID'];
    }

    /** Products and offers read. */
    public function elementCount(): int
    {
        return count($this->products) + array_sum(array_map('count', $this->offers));
    }
}
