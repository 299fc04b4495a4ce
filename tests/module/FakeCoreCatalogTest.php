<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Catalog\PriceTable;
use Bitrix\Catalog\ProductTable;
use Bitrix\Iblock\ElementTable;
use Bitrix\Iblock\FakeStore;
use MindboxTests\Bitrix\Fakes\FakeCatalogue;

/** The fake iblock and catalog modules (elements, sections, properties, offers, prices) behave as the real ones do. */
final class FakeCoreCatalogTest extends FakeCoreTestCase
{
    private const PRODUCTS = FakeCatalogue::PRODUCTS_IBLOCK;

    public function testKeysetPagingByIdLosesAndDoublesNothingWhilePagesChangeBetweenRuns(): void
    {
        $catalogue = FakeCatalogue::install(200, 7);
        $before = $catalogue->productIds();
        $seen = [];
        $last = 0;
        for ($page = 0; ($ids = $this->keysetPage($last)) !== []; $page++) {
            array_push($seen, ...$ids);
            $last = end($ids);
            if ($page === 2) {
                $changes = $catalogue->mutate(15, 10);
            }
        }
        $this->assertSame(array_unique($seen), $seen, 'no product twice');
        $kept = array_diff($before, $changes['deleted']);
        $this->assertSame([], array_diff($kept, $seen), 'every product there all along is read');
        $this->assertNotSame([], array_filter($changes['inserted'], static fn (int $id) => $id < $before[90]), 'inserted among the existing ones');
    }

    public function testOffsetPagingTheWayTheOfficialModuleDoesSkipsAndRepeatsProducts(): void
    {
        FakeCatalogue::install(100, 7);
        $seen = [];
        for ($page = 1; $page <= 4; $page++) {
            $rows = \CIBlockElement::GetList([], ['IBLOCK_ID' => self::PRODUCTS], false, ['nTopCount' => 30, 'nOffset' => $page], ['ID']);
            while ($row = $rows->Fetch()) {
                $seen[] = $row['ID'];
            }
        }
        $this->assertLessThan(100, count(array_unique($seen)), 'the page number is taken as the row offset');
        $this->assertGreaterThan(count(array_unique($seen)), count($seen));
    }

    public function testWithoutAnOrderRowsComeInTheTablesOwnOrderAndAnUnknownKeySortsById(): void
    {
        $catalogue = FakeCatalogue::install(30, 3);
        $inserted = $catalogue->mutate(3, 0)['inserted'];
        $tail = array_slice($this->column(\CIBlockElement::GetList([], ['IBLOCK_ID' => self::PRODUCTS]), 'ID'), -3);
        sort($tail);
        $this->assertSame(array_map('strval', $inserted), $tail, 'rows inserted last come last');
        $this->assertSame('300', array_slice($this->column(\CIBlockElement::GetList(['ID' => 'ASC'], ['IBLOCK_ID' => self::PRODUCTS]), 'ID'), -1)[0]);
        $desc = $this->column(\CIBlockElement::GetList(['NO_SUCH_FIELD' => 'desc'], ['IBLOCK_ID' => self::PRODUCTS], false, ['nTopCount' => 2], ['NAME']), 'ID');
        $ids = $catalogue->productIds();
        $this->assertSame(array_map('strval', array_slice(array_reverse($ids), 0, 2)), $desc, 'an unknown order key sorts by ID and selects it');
        $this->assertSame('33', \CIBlockElement::GetList([], ['IBLOCK_ID' => self::PRODUCTS], []), 'an empty group-by counts');
        $odd = $this->column(\CIBlockElement::GetList(['ID' => 'ascending'], ['IBLOCK_ID' => self::PRODUCTS], false, ['nTopCount' => 1], ['ID']), 'ID');
        $this->assertSame(['300'], $odd, 'a direction other than asc, desc and their nulls variants sorts descending');
    }

    public function testAPageNumberPastTheLastGivesTheFirstPageAgainUnlessCheckOutOfRange(): void
    {
        FakeCatalogue::install(25, 1);
        $page = fn (array $nav) => $this->column(\CIBlockElement::GetList(['ID' => 'ASC'], ['IBLOCK_ID' => self::PRODUCTS], false, $nav, ['ID']), 'ID');
        $first = $page(['nPageSize' => 10, 'iNumPage' => 1]);
        $this->assertSame(['210', '220', '230', '240', '250'], $page(['nPageSize' => 10, 'iNumPage' => 3]));
        $this->assertSame($first, $page(['nPageSize' => 10, 'iNumPage' => 4]));
        $this->assertSame([], $page(['nPageSize' => 10, 'iNumPage' => 4, 'checkOutOfRange' => true]));
    }

    public function testTheSelectGivesTheFieldsAskedAndThoseTheOrderAndTheUrlNeed(): void
    {
        FakeCatalogue::install(12, 1);
        $filter = ['IBLOCK_ID' => self::PRODUCTS, 'ID' => 10];
        $this->assertSame(['NAME', 'ID'], array_keys(\CIBlockElement::GetList(['ID' => 'ASC'], $filter, false, false, ['NAME'])->Fetch()));
        $this->assertSame(['DETAIL_TEXT', 'DETAIL_TEXT_TYPE'], array_keys(\CIBlockElement::GetList([], $filter, false, false, ['DETAIL_TEXT'])->Fetch()));
        $row = \CIBlockElement::GetList([], $filter, false, false, ['DETAIL_PAGE_URL', 'DETAIL_PICTURE'])->Fetch();
        $this->assertSame('#SITE_DIR#/catalog/#SECTION_CODE#/#ELEMENT_CODE#/', $row['DETAIL_PAGE_URL'], 'Fetch leaves the template');
        $this->assertArrayHasKey('IBLOCK_SECTION_ID', $row);
        $this->assertNull($row['DETAIL_PICTURE'], 'product 10 has no picture');
        $section = FakeStore::$sections[(int)$row['IBLOCK_SECTION_ID']]['CODE'];
        $next = \CIBlockElement::GetList([], $filter, false, false, ['DETAIL_PAGE_URL'])->GetNext();
        $this->assertSame("/catalog/$section/product-10/", $next['DETAIL_PAGE_URL']);
        $full = \CIBlockElement::GetList([], $filter)->Fetch();
        $this->assertSame('10', $full['ID'], 'values are strings');
        $this->assertSame('P-10', $full['EXTERNAL_ID']);
    }

    public function testCatalogFieldsInAnElementSelectAreRefusedRatherThanSilentlyLeftOut(): void
    {
        FakeCatalogue::install(3, 1);
        $this->expectException(\LogicException::class);
        \CIBlockElement::GetList([], ['IBLOCK_ID' => self::PRODUCTS], false, false, ['ID', 'PRICE_1']);
    }

    public function testGetNextEscapesForHtmlNotForXml(): void
    {
        FakeCatalogue::install(12, 1);
        $next = fn (int $id) => \CIBlockElement::GetList([], ['ID' => $id], false, false, ['NAME', 'DETAIL_TEXT'])->GetNext();
        $cafe = $next(10);
        $this->assertSame('Café crème & Co &lt;10&gt;', $cafe['NAME'], 'a bare & stays');
        $this->assertSame('Café crème & Co <10>', $cafe['~NAME']);
        $this->assertSame('Tom\'s &quot;best&quot; tea 20', $next(20)['NAME'], 'an apostrophe stays');
        $this->assertSame("<p>Описание & \"кавычки\" 'апостроф' <b>жирный</b>\x02\x1F</p>", $next(50)['DETAIL_TEXT'], 'html text as it is');
        $this->assertSame("Строка первая<br />\nСтрока&nbsp;&nbsp;вторая: 5 &lt; 6 & &quot;да&quot;", $next(60)['DETAIL_TEXT']);
        $this->assertSame("Tab\tand\x01control\x0Bchars 30", $next(30)['NAME'], 'control characters pass untouched');
    }

    public function testAMultiplePropertyInTheSelectGivesOneRowPerValue(): void
    {
        FakeCatalogue::install(40, 5);
        [$many, $none] = [$this->productWithColors(fn (int $n) => $n >= 2), $this->productWithColors(fn (int $n) => $n === 0)];
        $rows = $this->rows(\CIBlockElement::GetList(['ID' => 'ASC'], ['ID' => $many], false, false, ['ID', 'PROPERTY_COLOR_REF']));
        $this->assertCount(count(FakeStore::$values[$many][FakeCatalogue::COLOR]), $rows);
        $this->assertSame(['ID', 'PROPERTY_COLOR_REF_VALUE', 'PROPERTY_COLOR_REF_ENUM_ID', 'PROPERTY_COLOR_REF_VALUE_ID'], array_keys($rows[0]));
        $this->assertSame(FakeStore::$enums[(int)$rows[0]['PROPERTY_COLOR_REF_ENUM_ID']]['VALUE'], $rows[0]['PROPERTY_COLOR_REF_VALUE']);
        $this->assertCount(1, $top = $this->rows(\CIBlockElement::GetList(['ID' => 'ASC'], ['ID' => $many], false, ['nTopCount' => 1], ['ID', 'PROPERTY_COLOR_REF'])), 'nTopCount counts rows, not elements');
        $empty = $this->rows(\CIBlockElement::GetList([], ['ID' => $none], false, false, ['ID', 'PROPERTY_COLOR_REF']));
        $this->assertSame([['ID' => (string)$none, 'PROPERTY_COLOR_REF_VALUE' => null, 'PROPERTY_COLOR_REF_ENUM_ID' => null, 'PROPERTY_COLOR_REF_VALUE_ID' => null]], $empty);
        $this->assertSame([(string)$many], $this->column(\CIBlockElement::GetList([], ['IBLOCK_ID' => self::PRODUCTS, 'ID' => $many, 'PROPERTY_COLOR_REF' => $top[0]['PROPERTY_COLOR_REF_ENUM_ID']]), 'ID'));
    }

    public function testPropertyValuesArrayGivesListsForMultiplePropertiesAndValuesForSingleOnes(): void
    {
        FakeCatalogue::install(40, 5);
        [$many, $none] = [$this->productWithColors(fn (int $n) => $n >= 2), $this->productWithColors(fn (int $n) => $n === 0)];
        $values = [];
        \CIBlockElement::GetPropertyValuesArray($values, self::PRODUCTS, ['ID' => [$none, $many, 30]]);
        $expected = array_values(array_unique([$none, $many, 30]));
        sort($expected);
        $this->assertSame($expected, array_keys($values), 'in the table\'s order');
        $ids = $values[$many]['COLOR_REF']['VALUE_ENUM_ID'];
        $sorted = $ids;
        usort($sorted, static fn (string $a, string $b) => (int)$b <=> (int)$a);
        $this->assertSame($sorted, $ids, 'by the values\' SORT, which runs against their ids here');
        $this->assertFalse($values[$none]['COLOR_REF']['VALUE'], 'a multiple property without values');
        $this->assertSame('ART-' . $many, $values[$many]['ARTNUMBER']['VALUE']);
        $this->assertSame(['BRAND', 'ARTNUMBER', 'COLOR_REF', 'MATERIAL'], array_keys($values[$many]), 'by SORT');
        $this->assertSame('&quot;Квадрат&quot;', $values[30]['BRAND']['VALUE'], 'escaped, the raw one under ~VALUE');
        $this->assertSame('"Квадрат"', $values[30]['BRAND']['~VALUE']);
        $this->assertSame('Материал & состав', $values[30]['MATERIAL']['NAME'], 'a bare & is not escaped');
        $raw = [];
        \CIBlockElement::GetPropertyValuesArray($raw, self::PRODUCTS, ['ID' => [30, 40]], ['CODE' => 'BRAND'], ['GET_RAW_DATA' => 'Y']);
        $this->assertSame('"Квадрат"', $raw[30]['BRAND']['VALUE']);
        $this->assertArrayNotHasKey('~VALUE', $raw[30]['BRAND']);
        $this->assertSame(['BRAND'], array_keys($raw[30]));
        $this->assertSame(['', null], [$raw[40]['BRAND']['VALUE'], $raw[40]['BRAND']['PROPERTY_VALUE_ID']], 'a single property without a value');
    }

    public function testElementGroupsGiveEverySectionOfManyElementsInOneCall(): void
    {
        $catalogue = FakeCatalogue::install(40, 5);
        $ids = array_slice($catalogue->productIds(), 0, 10);
        $rows = $this->rows(\CIBlockElement::GetElementGroups($ids, true, ['ID', 'ACTIVE', 'IBLOCK_ELEMENT_ID']));
        $this->assertSame(count(array_merge(...array_map([FakeStore::class, 'sectionsOf'], $ids))), count($rows));
        $this->assertSame(['ID', 'ACTIVE', 'IBLOCK_ELEMENT_ID'], array_keys($rows[0]));
        $several = array_filter($ids, static fn (int $id) => count(FakeStore::sectionsOf($id)) > 1);
        $this->assertNotSame([], $several, 'several sections per product');
        $first = reset($several);
        $this->assertSame(FakeStore::$elements[$first]['IBLOCK_SECTION_ID'], (string)FakeStore::sectionsOf($first)[0], 'the first is the main one');
        $this->assertArrayNotHasKey('IBLOCK_ELEMENT_ID', \CIBlockElement::GetElementGroups($ids, true, ['ID'])->Fetch(), 'whose it is only when asked');
    }

    public function testSectionListFiltersByGlobalActivityAndOrdersByMargins(): void
    {
        $catalogue = FakeCatalogue::install(200, 2);
        $rows = $this->rows(\CIBlockSection::GetList(['LEFT_MARGIN' => 'ASC'], ['IBLOCK_ID' => self::PRODUCTS, 'GLOBAL_ACTIVE' => 'Y'], false, ['ID', 'NAME', 'IBLOCK_SECTION_ID']));
        $this->assertSame(['ID', 'NAME', 'IBLOCK_SECTION_ID', 'LEFT_MARGIN'], array_keys($rows[0]));
        $this->assertLessThan(count($catalogue->sectionIds()), count($rows), 'inactive sections and those below them are out');
        $shown = array_column($rows, 'ID');
        foreach ($rows as $at => $row) {
            if ($row['IBLOCK_SECTION_ID'] !== null) {
                $this->assertLessThan($at, array_search($row['IBLOCK_SECTION_ID'], $shown, true), 'a shown section\'s parent is shown, before it');
            }
        }
        $top = $this->rows(\CIBlockSection::GetList(['ID' => 'ASC'], ['IBLOCK_ID' => self::PRODUCTS, 'SECTION_ID' => 0], false, ['ID']));
        $this->assertSame([['ID' => '1001'], ['ID' => '1002'], ['ID' => '1003']], $top);
        $this->assertSame('Посуда &lt;стекло&gt; & &quot;фарфор&quot; 1003', \CIBlockSection::GetList([], ['ID' => 1003])->GetNext()['NAME']);
    }

    public function testOffersListLinksOffersToTheirProductsWithOnlyTheFieldsAsked(): void
    {
        $catalogue = FakeCatalogue::install(40, 5);
        $this->assertSame(['IBLOCK_ID' => 3, 'PRODUCT_IBLOCK_ID' => 2, 'SKU_PROPERTY_ID' => 30, 'VERSION' => 1], \CCatalogSKU::GetInfoByProductIBlock(self::PRODUCTS));
        $this->assertFalse(\CCatalogSKU::GetInfoByProductIBlock(FakeCatalogue::OFFERS_IBLOCK));
        $ids = [40, 30, 10, 60];
        $all = \CCatalogSKU::getOffersList($ids, self::PRODUCTS, [], ['NAME', 'ACTIVE']);
        $this->assertSame([30, 60], array_keys($all), 'the products asked that have offers, sorted');
        $this->assertSame($catalogue->offersOf(30), array_keys($all[30]));
        $offer = reset($all[30]);
        $this->assertSame(['NAME', 'ACTIVE', 'ID', 'IBLOCK_ID', 'PARENT_ID'], array_keys($offer));
        $this->assertSame(30, $offer['PARENT_ID']);
        $bare = \CCatalogSKU::getOffersList([30], self::PRODUCTS)[30];
        $this->assertSame(['ID', 'IBLOCK_ID', 'PARENT_ID'], array_keys(reset($bare)), 'no fields asked: ids only');
        $offers = array_merge(...array_map(static fn (int $id) => $catalogue->offersOf($id), $catalogue->productIds()));
        $inactive = array_values(array_filter($offers, static fn (int $id) => FakeStore::$elements[$id]['ACTIVE'] === 'N'));
        $this->assertNotSame([], $inactive);
        $parent = (int)FakeStore::$values[$inactive[0]][FakeCatalogue::SKU_PROPERTY][0]['VALUE'];
        $this->assertArrayHasKey($inactive[0], \CCatalogSKU::getOffersList([$parent], self::PRODUCTS)[$parent], 'inactive offers too');
        $this->assertArrayNotHasKey($inactive[0], \CCatalogSKU::getOffersList([$parent], self::PRODUCTS, ['ACTIVE' => 'Y'])[$parent]);
        $sized = \CCatalogSKU::getOffersList([30], self::PRODUCTS, [], ['NAME'], ['CODE' => ['SIZES_CLOTHES']]);
        $this->assertSame(['SIZES_CLOTHES'], array_keys(reset($sized[30])['PROPERTIES']));
        $this->assertSame([], \CCatalogSKU::getOffersList([30], FakeCatalogue::OFFERS_IBLOCK), 'no offers iblock for offers');
    }

    public function testTheOptimalPriceIsForTheGroupsPassedPlusEveryoneAndNeverTheCurrentUsers(): void
    {
        FakeCatalogue::install(40, 5);
        $base = (float)PriceTable::getRow(['filter' => ['=PRODUCT_ID' => 10, '=CATALOG_GROUP_ID' => FakeCatalogue::BASE_PRICE]])['PRICE'];
        $anonymous = \CCatalogProduct::GetOptimalPrice(10, 1, []);
        $this->assertSame(\CCatalogProduct::GetOptimalPrice(10, 1, [2]), $anonymous);
        $this->assertSame('1', $anonymous['RESULT_PRICE']['PRICE_TYPE_ID']);
        $this->assertSame($base, $anonymous['RESULT_PRICE']['BASE_PRICE']);
        $this->assertSame(round($base * 0.9, 2), $anonymous['RESULT_PRICE']['DISCOUNT_PRICE'], 'k % 4 = 1: 10 % off');
        $this->assertSame(10.0, $anonymous['RESULT_PRICE']['PERCENT']);
        $this->assertSame(['ID', 'CATALOG_GROUP_ID', 'PRICE', 'CURRENCY', 'ELEMENT_IBLOCK_ID', 'VAT_RATE', 'VAT_INCLUDED'], array_keys($anonymous['PRICE']));
        $wholesale = \CCatalogProduct::GetOptimalPrice(10, 1, [FakeCatalogue::WHOLESALE_GROUP]);
        $this->assertSame('2', $wholesale['RESULT_PRICE']['PRICE_TYPE_ID']);
        $this->assertLessThan($anonymous['DISCOUNT_PRICE'], $wholesale['DISCOUNT_PRICE']);
        $plain = \CCatalogProduct::GetOptimalPrice(20, 1, []);
        $this->assertSame($plain['RESULT_PRICE']['BASE_PRICE'], $plain['RESULT_PRICE']['DISCOUNT_PRICE']);
        $this->assertSame([], $plain['DISCOUNT_LIST']);
        $this->assertFalse(\CCatalogProduct::GetOptimalPrice(70, 1, []), 'k % 30 = 7 has no price');
        $this->assertFalse(\CCatalogProduct::GetOptimalPrice(30, 1, []), 'a product with offers has none of its own');
        $this->assertIsArray(\CCatalogProduct::GetOptimalPrice(31, 1, []));
    }

    public function testCatalogRowsAreStringsAsMysqlGivesThem(): void
    {
        FakeCatalogue::install(40, 5);
        $prices = PriceTable::getList(['select' => ['PRODUCT_ID', 'PRICE'], 'filter' => ['@PRODUCT_ID' => [10, 20], '=CATALOG_GROUP_ID' => 1], 'order' => ['PRODUCT_ID' => 'DESC']])->fetchAll();
        $this->assertSame(['20', '10'], array_column($prices, 'PRODUCT_ID'));
        $this->assertMatchesRegularExpression('/^\d+\.\d\d$/', $prices[0]['PRICE']);
        $products = ProductTable::getList(['select' => ['ID', 'TYPE', 'AVAILABLE'], 'filter' => ['@ID' => [30, 31, 40]], 'order' => ['ID' => 'ASC']])->fetchAll();
        $this->assertSame([['ID' => '30', 'TYPE' => '3', 'AVAILABLE' => 'N'], ['ID' => '31', 'TYPE' => '4', 'AVAILABLE' => 'N'], ['ID' => '40', 'TYPE' => '1', 'AVAILABLE' => 'Y']], $products, 'k % 6 = 3 is out of stock, offers too');
        $this->assertSame('P-10', ElementTable::getRow(['filter' => ['=ID' => 10], 'select' => ['XML_ID']])['XML_ID'], 'the ORM table sees the same elements');
    }

    public function testTheCatalogueCarriesTheAwkwardCasesAndDependsOnlyOnItsSeed(): void
    {
        $catalogue = FakeCatalogue::install(60, 9);
        $texts = array_column(FakeStore::$elements, 'DETAIL_TEXT', 'ID');
        $this->assertSame(FakeCatalogue::LONG_DESCRIPTION, mb_strlen($texts[30]));
        $this->assertGreaterThan(10000, mb_strlen($texts[30]));
        $this->assertSame('N', FakeStore::$elements[40]['ACTIVE']);
        $this->assertNull(\CFile::GetPath(FakeStore::$elements[10]['DETAIL_PICTURE']));
        $this->assertStringStartsWith('https://cdn.shop.example/', \CFile::GetPath(FakeStore::$elements[20]['DETAIL_PICTURE']));
        $this->assertMatchesRegularExpression('#^/upload/iblock/\w{3}/picture-40\.jpg$#', \CFile::GetPath(FakeStore::$elements[40]['DETAIL_PICTURE']));
        $this->assertSame([], FakeStore::sectionsOf(110), 'k % 25 = 11 is in no section');
        $this->assertSame('P-30#31', FakeStore::$elements[31]['XML_ID']);
        $prices = PriceTable::getList(['select' => ['PRICE']])->fetchAll();
        \Bitrix\Iblock\FakeStore::reset();
        \Bitrix\Catalog\FakeDataManager::fakeReset();
        FakeCatalogue::install(60, 9);
        $this->assertSame($prices, PriceTable::getList(['select' => ['PRICE']])->fetchAll());
        $this->assertCount(60, $catalogue->productIds());
    }

    /** @return list<int> one keyset page: the ids after $last, ordered by ID */
    private function keysetPage(int $last): array
    {
        $rows = \CIBlockElement::GetList(['ID' => 'ASC'], ['IBLOCK_ID' => self::PRODUCTS, '>ID' => $last], false, ['nTopCount' => 25], ['ID']);
        return array_map('intval', $this->column($rows, 'ID'));
    }

    private function productWithColors(callable $count): int
    {
        foreach (FakeStore::$elements as $id => $element) {
            if ((int)$element['IBLOCK_ID'] === self::PRODUCTS && $count(count(FakeStore::$values[$id][FakeCatalogue::COLOR] ?? []))) {
                return $id;
            }
        }
        $this->fail('no such product');
    }

    private function rows(\CIBlockResult $result): array
    {
        $rows = [];
        while ($row = $result->Fetch()) {
            $rows[] = $row;
        }
        return $rows;
    }

    private function column(\CIBlockResult $result, string $key): array
    {
        return array_column($this->rows($result), $key);
    }
}
