<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Iblock\FakeStore;
use MindboxTests\Bitrix\Fakes\FakeCatalogue;

/** The feed holds the catalogue as Mindbox wants it: every offer once, SKUs, texts, addresses, params, categories. */
final class FeedCatalogueTest extends FeedTestCase
{
    public function testEveryProductWithoutOffersAndEverySkuIsOneOfferAcrossSeveralPages(): void
    {
        $catalogue = FakeCatalogue::install(40, 3);
        $summary = $this->generate();

        $expected = array_map([self::class, 'xmlId'], self::sellableElements($catalogue));
        $this->assertGreaterThan(5 * 7, count($catalogue->productIds()), 'several pages of 7');
        $this->assertEqualsCanonicalizing($expected, array_keys($this->offers()));
        $this->assertSame(count($expected), $summary['offers']);
    }

    public function testSkusCarryTheirProductAsGroupIdWithItsPageCategoriesBrandAndArticle(): void
    {
        $catalogue = FakeCatalogue::install(30, 3);
        $this->generate();
        $offers = $this->offers();

        $checked = 0;
        foreach ($catalogue->productIds() as $productId) {
            $product = $offers[self::xmlId($productId)] ?? null;
            foreach ($catalogue->offersOf($productId) as $offerId) {
                $offer = $offers[self::xmlId($offerId)];
                $this->assertSame(self::xmlId($productId), $offer['group_id']);
                $this->assertSame($this->pageOf($productId), $offer['url'], 'an SKU has no page of its own');
                $this->assertSame('ART-' . $productId, $offer['vendorCode']);
                $this->assertSame($this->sectionsOf($productId), $offer['categoryId']);
                $this->assertArrayHasKey('SIZES_CLOTHES', $offer['param']);
                $checked++;
            }
            if ($catalogue->offersOf($productId) !== []) {
                $this->assertNull($product, 'a product with SKUs is their group, not an offer of its own');
            } else {
                $this->assertArrayNotHasKey('group_id', $product);
            }
        }
        $this->assertGreaterThan(5, $checked);
    }

    public function testInactiveOutOfStockAndUnpricedItemsStayInTheFeedUnavailable(): void
    {
        $catalogue = FakeCatalogue::install(60, 5);
        $this->generate();
        $offers = $this->offers();

        foreach (self::sellableElements($catalogue) as $id) {
            $parent = (int)(FakeStore::$values[$id][FakeCatalogue::SKU_PROPERTY][0]['VALUE'] ?? $id);
            $k = intdiv($parent, 10);
            $priced = $parent !== $id || $k % 30 !== 7;
            $sellable = $k % 9 !== 4 && $k % 6 !== 3 && $priced
                && ($parent === $id || (FakeStore::$elements[$id]['ACTIVE'] === 'Y' && ($id - $parent) !== 2));
            $offer = $offers[self::xmlId($id)];
            $this->assertSame($sellable ? 'true' : 'false', $offer['available'], "element $id");
            $this->assertSame($priced, isset($offer['price']), "element $id has a price when it has one in the catalogue");
        }
        $this->assertContains('false', array_column($offers, 'available'));
    }

    public function testMarkupQuotesUnicodeAndControlCharactersComeOutAsWellFormedXmlWithTheirText(): void
    {
        FakeCatalogue::install(60, 5);
        $this->generate();
        $offers = $this->offers();

        $this->assertSame('Café crème & Co <10>', $offers['P-10']['name']);
        $this->assertSame('Tom\'s "best" tea 20', $offers['P-20']['name']);
        $this->assertSame("Tab\tandcontrolchars 110", $offers['P-110']['name'], 'characters XML forbids are dropped');
        $this->assertSame('日本茶 40', $offers['P-40']['name']);
        $this->assertSame("<p>Описание & \"кавычки\" 'апостроф' <b>жирный</b></p>", $offers['P-50']['description'], 'k % 8 = 5');
        $this->assertSame("Строка первая\r\nСтрока  вторая: 5 < 6 & \"да\"", $offers['P-200']['description'], 'text as it is, unescaped');
        $this->assertSame(10000, mb_strlen($offers['P-130']['description']), 'a description over 10,000 characters is cut');
        $this->assertSame('Brew & Co', $offers['P-10']['vendor']);
        $this->assertContains('Посуда <стекло> & "фарфор" 1003', $this->categories());
    }

    public function testPagesAndPicturesAreAbsoluteWithACdnPictureKept(): void
    {
        $catalogue = FakeCatalogue::install(30, 3);
        $this->generate();
        $offers = $this->offers();

        $this->assertSame(['https://cdn.shop.example/iblock/20.jpg'], $offers['P-20']['picture'], 'k % 6 = 2: on a CDN');
        $this->assertArrayNotHasKey('picture', $offers['P-10'], 'k % 6 = 1: none');
        $this->assertSame([$this->pictureOf(40)], $offers['P-40']['picture']);
        $this->assertSame($this->pageOf(40), $offers['P-40']['url']);
        $parents = array_filter($catalogue->productIds(), static fn (int $id) => count($catalogue->offersOf($id)) >= 2 && intdiv($id, 10) % 6 === 0);
        $parent = reset($parents);
        [$odd, $even] = $catalogue->offersOf($parent)[0] % 2 === 1 ? $catalogue->offersOf($parent) : array_reverse(array_slice($catalogue->offersOf($parent), 0, 2));
        $this->assertSame([$this->pictureOf($parent)], $offers[self::xmlId($odd)]['picture'], 'an odd SKU has none: its product\'s');
        $this->assertSame([$this->pictureOf($even)], $offers[self::xmlId($even)]['picture'], 'an even SKU has its own');

        $this->shop->configure(['feed_https' => 'N', 'feed_server_name' => 'https://www.shop.example/'], 's1');
        $this->generate();
        $this->assertStringStartsWith('http://www.shop.example/catalog/', $this->offers()['P-40']['url']);
        $this->assertStringStartsWith('http://www.shop.example/upload/', $this->job()->url());
    }

    public function testParamsKeepTheirPropertyCodesAndListSeveralValues(): void
    {
        $catalogue = FakeCatalogue::install(40, 5);
        $this->generate();
        $offers = $this->offers();

        $withColors = 0;
        foreach ($catalogue->productIds() as $productId) {
            if ($catalogue->offersOf($productId) !== [] || !isset(FakeStore::$values[$productId][FakeCatalogue::COLOR])) {
                continue;
            }
            $enums = array_map(static fn (array $v) => FakeStore::$enums[(int)$v['VALUE']], FakeStore::$values[$productId][FakeCatalogue::COLOR]);
            usort($enums, static fn (array $a, array $b) => (int)$a['SORT'] <=> (int)$b['SORT']);
            $this->assertSame(implode('|', array_column($enums, 'VALUE')), $offers[self::xmlId($productId)]['param']['COLOR_REF']);
            $withColors++;
        }
        $this->assertGreaterThan(3, $withColors);
        $names = array_merge(...array_values(array_map(static fn (array $offer) => array_keys($offer['param'] ?? []), $offers)));
        $this->assertSame([], array_diff($names, ['COLOR_REF', 'MATERIAL', 'SIZES_CLOTHES']), 'codes kept as they are');
        $this->assertArrayNotHasKey('vendor', $offers['P-40'], 'k % 5 = 4: no brand');
    }

    public function testCategoriesAreTheActiveSectionsInTheirTreeAndAProductInNoneIsUnderTheRoot(): void
    {
        $catalogue = FakeCatalogue::install(140, 5);
        $this->generate();

        $active = array_filter($catalogue->sectionIds(), static fn (int $id) => FakeStore::globalActive($id) === 'Y');
        $expected = array_map(static fn (int $id) => 'S-' . $id, $active);
        $categories = $this->categories();
        $this->assertEqualsCanonicalizing([...$expected, '0'], array_keys($categories));
        $this->assertNotSame(count($catalogue->sectionIds()), count($active), 'inactive sections are left out');
        foreach ($this->document()->getElementsByTagName('category') as $category) {
            $parent = FakeStore::$sections[(int)substr($category->getAttribute('id'), 2)]['IBLOCK_SECTION_ID'] ?? null;
            $this->assertSame($parent === null ? '' : 'S-' . $parent, $category->getAttribute('parentId'));
        }
        $this->assertSame(['0'], $this->offers()['P-110']['categoryId'], 'k % 25 = 11: in no section');
        $this->assertSame('Catalogue', $categories['0']);
    }

    public function testCurrenciesCarryTheirRatesUncut(): void
    {
        FakeCatalogue::install(3, 1);
        $this->generate();

        $rates = [];
        foreach ($this->document()->getElementsByTagName('currency') as $currency) {
            $rates[$currency->getAttribute('id')] = $currency->getAttribute('rate');
        }
        $this->assertSame(['RUB' => '1', 'USD' => '80.4567', 'JPY' => '0.5321'], $rates);
    }

    private function pageOf(int $productId): string
    {
        $section = FakeStore::$elements[$productId]['IBLOCK_SECTION_ID'];
        return 'https://shop.example/catalog/' . ($section === null ? '' : FakeStore::$sections[(int)$section]['CODE'] . '/') . 'product-' . $productId . '/';
    }

    private function pictureOf(int $elementId): string
    {
        return 'https://shop.example/upload/' . \CFile::GetFileArray($elementId)['SUBDIR'] . '/picture-' . $elementId . '.jpg';
    }

    /** @return list<string> */
    private function sectionsOf(int $productId): array
    {
        $active = array_filter(FakeStore::sectionsOf($productId), static fn (int $id) => FakeStore::globalActive($id) === 'Y');
        return $active === [] ? ['0'] : array_values(array_map(static fn (int $id) => 'S-' . $id, $active));
    }
}
