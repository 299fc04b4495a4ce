<?php

namespace Rustbox\Mindbox\Feed;

use Bitrix\Catalog\CatalogIblockTable;
use Bitrix\Catalog\ProductTable;
use Bitrix\Catalog\StoreProductTable;
use Bitrix\Main\Loader;

/**
 * Reads the catalogue a page at a time through the core's APIs: the products after a given ID, ordered by ID, at
 * most `feed_page_size` of them (keyset paging: a product added or deleted between two pages moves no other product
 * across the page boundary, as an offset would), inactive ones included. Then, for the whole page at once: the
 * offers (CCatalogSku::getOffersList, linked by the offers iblock's SKU property), the catalog rows (availability),
 * the chosen properties of products and of offers, the products' sections, the pictures' addresses, the prices and,
 * for regional feeds, the warehouses' stock. So the queries of a page do not grow with its size: no query per offer.
 */
final class CatalogueReader
{
    private const PRODUCT_FIELDS = ['ID', 'IBLOCK_ID', 'NAME', 'XML_ID', 'ACTIVE', 'DETAIL_PAGE_URL', 'DETAIL_PICTURE',
        'PREVIEW_PICTURE', 'DETAIL_TEXT', 'PREVIEW_TEXT'];
    private const OFFER_FIELDS = ['NAME', 'XML_ID', 'ACTIVE', 'DETAIL_PICTURE', 'PREVIEW_PICTURE', 'DETAIL_TEXT', 'PREVIEW_TEXT'];

    private readonly int $offersIblockId;

    /**
     * @param list<string> $propertyCodes the properties to read, of products and of offers
     * @param list<int> $stores the warehouses whose stock the regional feeds need
     * @throws FeedException the iblock or catalog module is missing
     */
    public function __construct(
        private readonly int $iblockId,
        private readonly int $pageSize,
        private readonly array $propertyCodes,
        private readonly Prices $prices,
        private readonly array $stores,
        private readonly SiteAddress $address,
    ) {
        if (!Loader::includeModule('iblock') || !Loader::includeModule('catalog')) {
            throw new FeedException('The product feed needs the iblock and catalog modules');
        }
        if (CatalogIblockTable::getRow(['select' => ['IBLOCK_ID'], 'filter' => ['=IBLOCK_ID' => $iblockId]]) === null) {
            throw new FeedException(sprintf('Information block %d (feed_iblock_id) is not a trade catalogue', $iblockId));
        }
        $sku = \CCatalogSku::GetInfoByProductIBlock($iblockId);
        $this->offersIblockId = is_array($sku) ? (int)$sku['IBLOCK_ID'] : 0;
    }

    /** The catalogue's products and offers now, for a run's progress. */
    public function total(): int
    {
        $count = static fn (int $iblockId) => (int)\CIBlockElement::GetList([], ['IBLOCK_ID' => $iblockId, 'CHECK_PERMISSIONS' => 'N'], []);
        return $count($this->iblockId) + ($this->offersIblockId > 0 ? $count($this->offersIblockId) : 0);
    }

    /** The products after $afterId and all the feed needs of them; an empty page past the last product. */
    public function page(int $afterId): CataloguePage
    {
        $products = [];
        $rows = \CIBlockElement::GetList(
            ['ID' => 'ASC'],
            ['IBLOCK_ID' => $this->iblockId, '>ID' => $afterId, 'CHECK_PERMISSIONS' => 'N'],
            false,
            ['nTopCount' => $this->pageSize],
            self::PRODUCT_FIELDS
        );
        // GetNext() fills the page URL's template; the "~" copies are the values unescaped.
        while ($row = $rows->GetNext()) {
            $products[] = self::unescaped($row);
        }
        if ($products === []) {
            return new CataloguePage([], [], [], [], [], [], [], []);
        }
        $productIds = array_map(static fn (array $row) => (int)$row['ID'], $products);
        $offers = $this->offers($productIds);
        $offerIds = array_map(static fn (array $row) => (int)$row['ID'], array_merge([], ...array_values($offers)));
        $elements = array_fill_keys($productIds, $this->iblockId) + array_fill_keys($offerIds, $this->offersIblockId);
        return new CataloguePage(
            $products,
            $offers,
            $this->catalogRows(array_keys($elements)),
            $this->properties($this->iblockId, $productIds) + $this->properties($this->offersIblockId, $offerIds),
            $this->sections($productIds),
            $this->pictures(array_merge($products, ...array_values($offers))),
            $this->prices->of($elements),
            $this->stocks(array_keys($elements)),
        );
    }

    /** @return array<int, list<array>> */
    private function offers(array $productIds): array
    {
        if ($this->offersIblockId <= 0) {
            return [];
        }
        $offers = \CCatalogSku::getOffersList($productIds, $this->iblockId, [], self::OFFER_FIELDS);
        return array_map('array_values', is_array($offers) ? array_filter($offers) : []);
    }

    private function catalogRows(array $ids): array
    {
        $rows = ProductTable::getList(['select' => ['ID', 'AVAILABLE', 'TYPE'], 'filter' => ['@ID' => $ids]])->fetchAll();
        return array_column($rows, null, 'ID');
    }

    private function properties(int $iblockId, array $ids): array
    {
        if ($ids === [] || $this->propertyCodes === []) {
            return [];
        }
        $values = array_fill_keys($ids, []);
        \CIBlockElement::GetPropertyValuesArray($values, $iblockId, ['ID' => $ids], ['CODE' => $this->propertyCodes], ['GET_RAW_DATA' => 'Y']);
        return $values;
    }

    /** @return array<int, list<int>> */
    private function sections(array $productIds): array
    {
        $sections = [];
        $rows = \CIBlockElement::GetElementGroups($productIds, true, ['ID', 'IBLOCK_ELEMENT_ID']);
        while ($row = $rows->Fetch()) {
            $sections[(int)$row['IBLOCK_ELEMENT_ID']][] = (int)$row['ID'];
        }
        return $sections;
    }

    /** @return array<int, string> file id => absolute address (a cloud's or CDN's kept as it is) */
    private function pictures(array $rows): array
    {
        $ids = [];
        foreach ($rows as $row) {
            foreach (['DETAIL_PICTURE', 'PREVIEW_PICTURE'] as $field) {
                if ((int)($row[$field] ?? 0) > 0) {
                    $ids[(int)$row[$field]] = true;
                }
            }
        }
        if ($ids === []) {
            return [];
        }
        $pictures = [];
        $files = \CFile::GetList([], ['@ID' => array_keys($ids)]);
        while ($file = $files->Fetch()) {
            $pictures[(int)$file['ID']] = $this->address->absolute((string)\CFile::GetFileSRC($file));
        }
        return $pictures;
    }

    /** @return array<int, array<int, float>> */
    private function stocks(array $ids): array
    {
        if ($this->stores === []) {
            return [];
        }
        $stocks = [];
        $rows = StoreProductTable::getList([
            'select' => ['PRODUCT_ID', 'STORE_ID', 'AMOUNT'],
            'filter' => ['@PRODUCT_ID' => $ids, '@STORE_ID' => $this->stores],
        ]);
        while ($row = $rows->fetch()) {
            $stocks[(int)$row['PRODUCT_ID']][(int)$row['STORE_ID']] = (float)$row['AMOUNT'];
        }
        return $stocks;
    }

    private static function unescaped(array $row): array
    {
        $raw = [];
        foreach ($row as $key => $value) {
            if (str_starts_with((string)$key, '~')) {
                $raw[substr($key, 1)] = $value;
            }
        }
        return $raw;
    }
}
