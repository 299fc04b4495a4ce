<?php
// No core file: a catalogue for tests and benchmarks, written into the fake iblock, catalog and main (CFile) modules
// the way a shop's catalogue sits in a real database: products in a section tree, offers in their own iblock linked
// by CML2_LINK, ids from one sequence shared by both iblocks, and the awkward cases a feed must survive.

namespace MindboxTests\Bitrix\Fakes;

use Bitrix\Catalog\CatalogIblockTable;
use Bitrix\Catalog\GroupAccessTable;
use Bitrix\Catalog\GroupTable;
use Bitrix\Catalog\PriceTable;
use Bitrix\Catalog\ProductTable;
use Bitrix\Iblock\ElementTable;
use Bitrix\Iblock\FakeStore;
use Bitrix\Iblock\SectionTable;
use Random\Engine\Mt19937;
use Random\Randomizer;

/**
 * Product k has id 10·k; its offers (every third product has one to three) take the next ids, so the two iblocks'
 * ids interleave as they do when both share b_iblock_element's sequence; ids 10·k+5 … 10·k+9 stay free for
 * products inserted later among the existing ones (mutate()). Which product is odd is fixed by k:
 * k % 9 = 4 inactive, k % 6 = 3 out of stock, k % 6 = 1 no picture (k % 6 = 2 a picture on a CDN), k % 10 = 3 a
 * description over 10,000 characters, k % 7 = 6 a plain-text description, k % 25 = 11 in no section,
 * k % 30 = 7 no price, k % 4 = 1 a 10 % discount for everyone; names and texts carry unicode, & < > " ' and
 * control characters. Prices are random from the seed.
 */
final class FakeCatalogue
{
    public const PRODUCTS_IBLOCK = 2;
    public const OFFERS_IBLOCK = 3;
    /** The price type everyone (group 2) buys at. */
    public const BASE_PRICE = 1;
    /** A cheaper price type only WHOLESALE_GROUP buys at, with a 50 % discount of its own. */
    public const WHOLESALE_PRICE = 2;
    public const WHOLESALE_GROUP = 9;
    public const SKU_PROPERTY = 30;
    public const BRAND = 31;
    public const ARTICLE = 32;
    public const COLOR = 33;
    public const MATERIAL = 34;
    public const SIZE = 35;
    public const LONG_DESCRIPTION = 12000;
    private const STEP = 10;
    private const NAMES = ['Чай «Улун» №%d', 'Café crème & Co <%d>', 'Tom\'s "best" tea %d', "Tab\tand\x01control\x0Bchars %d",
        '日本茶 %d', 'Чашка ☕ %d', 'Plain product %d', 'A < B && C > D %d'];
    private const BRANDS = ['Тётушка Марта', 'Brew & Co', "O'Neil", '"Квадрат"', ''];
    private const MATERIALS = ['хлопок', 'лён', 'Хлопок|лён', 'шерсть <мериноса>'];
    private const COLORS = [3301 => ['Красный', 'red'], 3302 => ['Синий', 'blue'], 3303 => ['Зелёный', 'green'],
        3304 => ['Black & White', 'bw'], 3305 => ['"Молочный"', 'milk']];
    private const SIZES = [3501 => 'S', 3502 => 'M', 3503 => 'L', 3504 => 'XL'];

    private Randomizer $random;
    /** @var array<int, list<int>> product id => its offers' ids */
    private array $products = [];
    /** @var list<int> */
    private array $sections = [];
    private int $discounts = 0;

    private function __construct(int $seed)
    {
        $this->random = new Randomizer(new Mt19937($seed));
    }

    /** Writes $products products (with their offers, prices and sections) into the fake core. */
    public static function install(int $products, int $seed = 1): self
    {
        $catalogue = new self($seed);
        $catalogue->schema();
        $catalogue->sectionTree(max(3, intdiv($products, 20)));
        $ids = array_map(static fn (int $k) => $k * self::STEP, $products > 0 ? range(1, $products) : []);
        foreach ($ids as $id) {
            $catalogue->addProduct($id);
        }
        $catalogue->discount($ids);
        // Wholesale buyers get half off anything; an anonymous buyer must never see it.
        \CCatalogDiscount::fakeAdd(['ID' => 900, 'NAME' => 'Wholesale', 'VALUE' => 50, 'PRIORITY' => 10,
            'GROUP_IDS' => [self::WHOLESALE_GROUP], 'CATALOG_GROUP_IDS' => [self::WHOLESALE_PRICE]]);
        return $catalogue;
    }

    /** @return list<int> the products' ids, ascending */
    public function productIds(): array
    {
        $ids = array_keys($this->products);
        sort($ids);
        return $ids;
    }

    /** @return list<int> */
    public function offersOf(int $productId): array
    {
        return $this->products[$productId] ?? [];
    }

    /** @return list<int> the sections' ids */
    public function sectionIds(): array
    {
        return $this->sections;
    }

    /**
     * What changes between two pages of a feed's run: random products deleted (with their offers) and new ones
     * inserted with ids among the existing ones' (never after the last), the hardest case for paging.
     *
     * @return array{inserted: list<int>, deleted: list<int>}
     */
    public function mutate(int $inserts, int $deletes): array
    {
        $deleted = [];
        foreach (array_slice($this->random->shuffleArray($this->productIds()), 0, $deletes) as $id) {
            $this->deleteProduct($id);
            $deleted[] = $id;
        }
        $inserted = [];
        while (count($inserted) < $inserts) {
            $free = $this->freeIdAmong($this->productIds());
            $this->addProduct($free);
            $inserted[] = $free;
        }
        $this->discount($inserted);
        sort($inserted);
        sort($deleted);
        return ['inserted' => $inserted, 'deleted' => $deleted];
    }

    private function schema(): void
    {
        FakeStore::addIblock(self::PRODUCTS_IBLOCK, ['CODE' => 'clothes', 'XML_ID' => 'catalog-1c']);
        FakeStore::addIblock(self::OFFERS_IBLOCK, ['CODE' => 'clothes_offers', 'XML_ID' => 'catalog-1c#offers',
            'DETAIL_PAGE_URL' => '#SITE_DIR#/catalog/#SECTION_CODE#/#ELEMENT_CODE#/']);
        CatalogIblockTable::fakeAdd(['IBLOCK_ID' => self::PRODUCTS_IBLOCK]);
        CatalogIblockTable::fakeAdd(['IBLOCK_ID' => self::OFFERS_IBLOCK, 'PRODUCT_IBLOCK_ID' => self::PRODUCTS_IBLOCK,
            'SKU_PROPERTY_ID' => self::SKU_PROPERTY]);
        FakeStore::addProperty(self::SKU_PROPERTY, self::OFFERS_IBLOCK, 'CML2_LINK', ['NAME' => 'Элемент каталога',
            'PROPERTY_TYPE' => 'E', 'USER_TYPE' => 'SKU', 'LINK_IBLOCK_ID' => (string)self::PRODUCTS_IBLOCK, 'SORT' => '5']);
        FakeStore::addProperty(self::BRAND, self::PRODUCTS_IBLOCK, 'BRAND', ['NAME' => 'Бренд', 'SORT' => '10']);
        FakeStore::addProperty(self::ARTICLE, self::PRODUCTS_IBLOCK, 'ARTNUMBER', ['NAME' => 'Артикул', 'SORT' => '20']);
        FakeStore::addProperty(self::COLOR, self::PRODUCTS_IBLOCK, 'COLOR_REF', ['NAME' => 'Цвет', 'SORT' => '30',
            'PROPERTY_TYPE' => 'L', 'MULTIPLE' => 'Y']);
        FakeStore::addProperty(self::MATERIAL, self::PRODUCTS_IBLOCK, 'MATERIAL', ['NAME' => 'Материал & состав',
            'SORT' => '40', 'MULTIPLE' => 'Y']);
        FakeStore::addProperty(self::SIZE, self::OFFERS_IBLOCK, 'SIZES_CLOTHES', ['NAME' => 'Размер', 'SORT' => '10',
            'PROPERTY_TYPE' => 'L']);
        $sort = 10;
        foreach (self::COLORS as $id => [$value, $xmlId]) {
            // Listed out of alphabetical order so that SORT, not the text, decides the order of values.
            FakeStore::addEnum($id, self::COLOR, $value, $xmlId, 100 - $sort++);
        }
        foreach (self::SIZES as $id => $value) {
            FakeStore::addEnum($id, self::SIZE, $value, strtolower($value), $sort++);
        }
        GroupTable::fakeAdd(['ID' => self::BASE_PRICE, 'NAME' => 'BASE', 'BASE' => 'Y']);
        GroupTable::fakeAdd(['ID' => self::WHOLESALE_PRICE, 'NAME' => 'WHOLESALE', 'SORT' => 200]);
        GroupAccessTable::fakeAdd(['ID' => 1, 'CATALOG_GROUP_ID' => self::BASE_PRICE, 'GROUP_ID' => 2]);
        GroupAccessTable::fakeAdd(['ID' => 2, 'CATALOG_GROUP_ID' => self::BASE_PRICE, 'GROUP_ID' => 2, 'ACCESS' => GroupAccessTable::ACCESS_VIEW]);
        GroupAccessTable::fakeAdd(['ID' => 3, 'CATALOG_GROUP_ID' => self::WHOLESALE_PRICE, 'GROUP_ID' => self::WHOLESALE_GROUP]);
    }

    /** Three top sections, the rest each under an earlier one, a seventh of them inactive. */
    private function sectionTree(int $count): void
    {
        for ($i = 0; $i < $count; $i++) {
            $id = 1001 + $i;
            $parent = $i < 3 ? null : $this->sections[$this->random->getInt(0, $i - 1)];
            $name = $i % 5 === 2 ? sprintf('Посуда <стекло> & "фарфор" %d', $id) : sprintf('Раздел №%d', $id);
            $fields = ['IBLOCK_SECTION_ID' => $parent, 'NAME' => $name, 'CODE' => 'section-' . $id,
                'XML_ID' => 'S-' . $id, 'ACTIVE' => $i % 7 === 5 ? 'N' : 'Y', 'SORT' => (string)(100 * ($i % 4 + 1))];
            FakeStore::addSection($id, self::PRODUCTS_IBLOCK, $fields);
            SectionTable::fakeAdd($id, ['IBLOCK_ID' => self::PRODUCTS_IBLOCK] + array_filter($fields, 'is_string'));
            $this->sections[] = $id;
        }
    }

    private function addProduct(int $id): void
    {
        $k = intdiv($id, self::STEP);
        // A product inserted into a gap has no ids left for offers.
        $offers = $k % 3 === 0 && $id % self::STEP === 0 ? $this->random->getInt(1, 3) : 0;
        $sections = $k % 25 === 11 ? [] : array_slice($this->random->shuffleArray($this->sections), 0, $this->random->getInt(1, 3));
        $colors = array_slice($this->random->shuffleArray(array_keys(self::COLORS)), 0, $this->random->getInt(0, 3));
        $fields = $this->texts($k, $id) + $this->pictures($k, $id) + [
            'ACTIVE' => $k % 9 === 4 ? 'N' : 'Y', 'CODE' => 'product-' . $id, 'XML_ID' => 'P-' . $id,
            'SORT' => (string)($this->random->getInt(1, 5) * 100),
        ];
        FakeStore::addElement($id, self::PRODUCTS_IBLOCK, $fields, $sections, [
            'BRAND' => array_filter([self::BRANDS[$k % count(self::BRANDS)]]),
            'ARTNUMBER' => 'ART-' . $id,
            'COLOR_REF' => $colors,
            'MATERIAL' => array_slice($this->random->shuffleArray(self::MATERIALS), 0, $this->random->getInt(0, 2)),
        ]);
        $this->d7Row($id, self::PRODUCTS_IBLOCK, $fields);
        $inStock = $k % 6 !== 3;
        ProductTable::fakeAdd(['ID' => $id, 'TYPE' => $offers > 0 ? ProductTable::TYPE_SKU : ProductTable::TYPE_PRODUCT,
            'AVAILABLE' => $inStock ? 'Y' : 'N', 'QUANTITY' => $inStock ? $this->random->getInt(1, 50) : 0]);
        $this->products[$id] = [];
        if ($offers === 0 && $k % 30 !== 7) {
            $this->price($id);
        }
        for ($i = 1; $i <= $offers; $i++) {
            $this->addOffer($id + $i, $id, $inStock && $i !== 2);
        }
    }

    private function addOffer(int $id, int $parent, bool $inStock): void
    {
        $size = array_keys(self::SIZES)[$id % count(self::SIZES)];
        $fields = ['NAME' => sprintf('%s, размер %s', sprintf(self::NAMES[intdiv($parent, self::STEP) % count(self::NAMES)], $parent), self::SIZES[$size]),
            'ACTIVE' => $id % 7 === 5 ? 'N' : 'Y', 'CODE' => 'offer-' . $id, 'XML_ID' => sprintf('P-%d#%d', $parent, $id),
            'DETAIL_TEXT' => '', 'DETAIL_PICTURE' => $id % 2 === 0 ? $this->file($id, null) : null];
        FakeStore::addElement($id, self::OFFERS_IBLOCK, $fields, [], ['CML2_LINK' => $parent, 'SIZES_CLOTHES' => $size]);
        $this->d7Row($id, self::OFFERS_IBLOCK, $fields);
        ProductTable::fakeAdd(['ID' => $id, 'TYPE' => ProductTable::TYPE_OFFER, 'AVAILABLE' => $inStock ? 'Y' : 'N',
            'QUANTITY' => $inStock ? $this->random->getInt(1, 20) : 0]);
        $this->price($id);
        $this->products[$parent][] = $id;
    }

    private function texts(int $k, int $id): array
    {
        $name = sprintf(self::NAMES[$k % count(self::NAMES)], $id);
        $detail = match (true) {
            $k % 10 === 3 => mb_substr(str_repeat('Длинное описание — «товар» с юникодом ☕ & разметкой <br> ', 300), 0, self::LONG_DESCRIPTION),
            $k % 8 === 5 => "<p>Описание & \"кавычки\" 'апостроф' <b>жирный</b>\x02\x1F</p>",
            $k % 7 === 6 => "Строка первая\r\nСтрока  вторая: 5 < 6 & \"да\"",
            default => sprintf('<p>Описание товара %d</p>', $id),
        };
        return ['NAME' => $name, 'PREVIEW_TEXT' => 'Кратко: ' . $name, 'PREVIEW_TEXT_TYPE' => 'text',
            'DETAIL_TEXT' => $detail, 'DETAIL_TEXT_TYPE' => $k % 7 === 6 ? 'text' : 'html'];
    }

    private function pictures(int $k, int $id): array
    {
        return match ($k % 6) {
            1 => ['PREVIEW_PICTURE' => null, 'DETAIL_PICTURE' => null],
            2 => ['PREVIEW_PICTURE' => null, 'DETAIL_PICTURE' => $this->file($id, 'https://cdn.shop.example/iblock/' . $id . '.jpg')],
            default => ['PREVIEW_PICTURE' => $this->file($id + 100000000, null), 'DETAIL_PICTURE' => $this->file($id, null)],
        };
    }

    private function file(int $id, ?string $cloudUrl): string
    {
        \CFile::fakeAdd($id, 'iblock/' . substr(md5((string)$id), 0, 3), 'picture-' . $id . '.jpg', $cloudUrl);
        return (string)$id;
    }

    /** A base price for everyone and a cheaper wholesale one. */
    private function price(int $id): void
    {
        $cents = $this->random->getInt(10000, 9999999);
        PriceTable::fakeAdd(['ID' => 2 * $id, 'PRODUCT_ID' => $id, 'CATALOG_GROUP_ID' => self::BASE_PRICE,
            'PRICE' => sprintf('%.2f', $cents / 100)]);
        PriceTable::fakeAdd(['ID' => 2 * $id + 1, 'PRODUCT_ID' => $id, 'CATALOG_GROUP_ID' => self::WHOLESALE_PRICE,
            'PRICE' => sprintf('%.2f', intdiv($cents * 8, 10) / 100)]);
    }

    /** 10 % off the base price, for everyone, of products with k % 4 = 1 and their offers. */
    private function discount(array $productIds): void
    {
        $ids = [];
        foreach ($productIds as $id) {
            if (intdiv($id, self::STEP) % 4 === 1) {
                array_push($ids, $id, ...$this->offersOf($id));
            }
        }
        if ($ids === []) {
            return;
        }
        \CCatalogDiscount::fakeAdd(['ID' => 100 + $this->discounts++, 'NAME' => 'Скидка 10 %', 'VALUE' => 10,
            'GROUP_IDS' => [2], 'CATALOG_GROUP_IDS' => [self::BASE_PRICE], 'PRODUCT_IDS' => $ids]);
    }

    /** The module reads ids and names through the ORM table too. */
    private function d7Row(int $id, int $iblockId, array $fields): void
    {
        ElementTable::fakeAdd($id, ['IBLOCK_ID' => $iblockId, 'XML_ID' => $fields['XML_ID'], 'NAME' => $fields['NAME'],
            'CODE' => $fields['CODE'], 'ACTIVE' => $fields['ACTIVE']]);
    }

    private function deleteProduct(int $id): void
    {
        foreach ([$id, ...$this->offersOf($id)] as $elementId) {
            FakeStore::deleteElement($elementId);
            ElementTable::fakeDelete($elementId);
            ProductTable::fakeDelete($elementId);
            PriceTable::fakeDelete(2 * $elementId);
            PriceTable::fakeDelete(2 * $elementId + 1);
        }
        unset($this->products[$id]);
    }

    /** A free id in the gap after a random existing product (10·k+5 … 10·k+9), never past the last one. */
    private function freeIdAmong(array $ids): int
    {
        for ($try = 0; $try < 1000; $try++) {
            $base = intdiv($ids[$this->random->getInt(0, count($ids) - 2)], self::STEP) * self::STEP;
            for ($id = $base + 5; $id < $base + self::STEP; $id++) {
                if (!isset(FakeStore::$elements[$id])) {
                    return $id;
                }
            }
        }
        throw new \LogicException('no free id among the products');
    }
}
