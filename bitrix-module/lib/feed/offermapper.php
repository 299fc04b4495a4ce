<?php

namespace Rustbox\Mindbox\Feed;

use Rustbox\Mindbox\Mappers\ProductIds;

/**
 * A page of the catalogue → the feed's offers, as MindboxFeedWriter::offers() takes them, each with what its regional
 * feeds show differently. A product without offers is one offer; a product with offers (SKUs) is one offer per SKU,
 * `group_id` its product's id, its page, categories, brand, article, picture and description taken from the product
 * where the SKU has none of its own, its params over the product's. Ids are ProductIds' (the ones orders, carts and
 * views send). An offer is available when it and its product are active and in stock (catalog AVAILABLE) and it has a
 * price; inactive and out-of-stock ones stay in the feed as unavailable, as Mindbox wants. `oldprice` only with a
 * discount: Mindbox erases a field the next feed leaves out, which is how a finished sale's old price goes.
 */
final class OfferMapper
{
    /** @var array<string, true> */
    private readonly array $currencies;

    /**
     * @param array{bySection: array<int, string>, root: array{id: string}, currencies: list<array{id: string}>} $head
     *     what the run read when it began (Categories, Currencies)
     * @param array<string, array{priceType: ?int, store: ?int}> $regions
     * @param list<string> $paramCodes
     */
    public function __construct(
        private readonly ProductIds $productIds,
        private readonly array $head,
        private readonly int $priceType,
        private readonly array $regions,
        private readonly array $paramCodes,
        private readonly ?string $vendorProperty,
        private readonly ?string $vendorCodeProperty,
        private readonly SiteAddress $address,
    ) {
        $this->currencies = array_fill_keys(array_column($head['currencies'], 'id'), true);
    }

    /**
     * @return array{records: list<array{o: array, r: array<string, array>}>, uncategorised: int} each offer (o) with its
     *     regional fields by zone (r); how many offers are in no category of the feed, so in its root one
     */
    public function map(CataloguePage $page): array
    {
        $ids = $this->productIds->productIdsOfRows(array_merge($page->products, ...array_values($page->offers)));
        $records = [];
        $uncategorised = 0;
        foreach ($page->products as $product) {
            $productId = (int)$product['ID'];
            $categories = $this->categories($page->sections[$productId] ?? []);
            $uncategorised += $categories === [$this->head['root']['id']] ? max(1, count($page->offers[$productId] ?? [])) : 0;
            $shared = $this->shared($product, $page) + ['categoryId' => $categories];
            $offers = $page->offers[$productId] ?? [];
            if ($offers === []) {
                $records[] = $this->record($product, $ids[$productId], $shared, $this->isSellable($product, $page), $page);
            }
            foreach ($offers as $offer) {
                $own = array_filter($this->shared($offer, $page), static fn ($value) => $value !== null && $value !== []);
                $fields = ['group_id' => $ids[$productId]] + $own + $shared;
                $fields['param'] = ($own['param'] ?? []) + ($shared['param'] ?? []);
                $sellable = $this->isSellable($offer, $page) && $this->isSellable($product, $page);
                $records[] = $this->record($offer, $ids[(int)$offer['ID']], $fields, $sellable, $page);
            }
        }
        return ['records' => $records, 'uncategorised' => $uncategorised];
    }

    /** @return array{o: array, r: array<string, array>} */
    private function record(array $row, string $id, array $fields, bool $sellable, CataloguePage $page): array
    {
        $elementId = (int)$row['ID'];
        $price = $this->price($page, $elementId, $this->priceType);
        $offer = ['id' => $id, 'available' => $sellable && $price !== null] + ($price ?? []) + $fields;
        $regional = [];
        foreach ($this->regions as $zone => ['priceType' => $type, 'store' => $store]) {
            $zonePrice = $type === null ? $price : $this->price($page, $elementId, $type);
            $inStore = $store === null || ($page->stocks[$elementId][$store] ?? 0.0) > 0;
            $regional[$zone] = ['available' => $sellable && $inStore && $zonePrice !== null] + ($zonePrice ?? []);
        }
        return ['o' => array_filter($offer, static fn ($value) => $value !== null && $value !== []), 'r' => $regional];
    }

    /** What an offer shows of its own element, null where the element has nothing. */
    private function shared(array $row, CataloguePage $page): array
    {
        $properties = $page->properties[(int)$row['ID']] ?? [];
        $url = trim((string)($row['DETAIL_PAGE_URL'] ?? ''));
        $picture = (int)($row['DETAIL_PICTURE'] ?: $row['PREVIEW_PICTURE'] ?: 0);
        $text = trim((string)$row['DETAIL_TEXT']) !== '' ? $row['DETAIL_TEXT'] : $row['PREVIEW_TEXT'];
        $params = [];
        foreach ($this->paramCodes as $code) {
            $value = self::value($properties[$code] ?? null);
            if ($value !== null) {
                $params[$code] = $value;
            }
        }
        return [
            'url' => $url === '' ? null : $this->address->absolute($url),
            'picture' => $page->pictures[$picture] ?? null,
            'name' => trim((string)$row['NAME']) === '' ? null : (string)$row['NAME'],
            'vendor' => $this->first($properties, $this->vendorProperty),
            'vendorCode' => $this->first($properties, $this->vendorCodeProperty),
            'description' => trim((string)$text) === '' ? null : (string)$text,
            'param' => $params,
        ];
    }

    /** @return list<string> the categories written for these sections, else the root one */
    private function categories(array $sectionIds): array
    {
        $ids = [];
        foreach ($sectionIds as $sectionId) {
            if (isset($this->head['bySection'][$sectionId])) {
                $ids[$this->head['bySection'][$sectionId]] = true;
            }
        }
        return $ids === [] ? [$this->head['root']['id']] : array_map('strval', array_keys($ids));
    }

    private function isSellable(array $row, CataloguePage $page): bool
    {
        return $row['ACTIVE'] === 'Y' && ($page->catalog[(int)$row['ID']]['AVAILABLE'] ?? 'N') === 'Y';
    }

    /** @return array{price: float, oldprice?: float, currencyId: string}|null a price in a currency the feed writes */
    private function price(CataloguePage $page, int $elementId, int $type): ?array
    {
        $price = $page->prices[$elementId][$type] ?? null;
        return $price !== null && isset($this->currencies[$price['currencyId']]) ? $price : null;
    }

    private function first(array $properties, ?string $code): ?string
    {
        $value = $code === null ? null : self::value($properties[$code] ?? null);
        return is_array($value) ? $value[0] : $value;
    }

    /** @return string|list<string>|null a property's value, a multiple one's as a list, null when it has none */
    private static function value(?array $property): string|array|null
    {
        $value = $property['VALUE'] ?? null;
        if (is_array($value)) {
            $list = array_values(array_filter(array_map(static fn ($v) => is_scalar($v) ? (string)$v : '', $value), static fn (string $v) => trim($v) !== ''));
            return $list === [] ? null : $list;
        }
        return is_scalar($value) && trim((string)$value) !== '' && $value !== false ? (string)$value : null;
    }
}
