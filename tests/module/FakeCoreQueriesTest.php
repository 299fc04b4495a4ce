<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Currency\CurrencyTable;
use Bitrix\Main\Application;
use Bitrix\Main\DB\Connection;
use Bitrix\Main\SiteTable;
use MindboxTests\Bitrix\Fakes\FakeCatalogue;

/**
 * The fake core's database side, as the real one behaves: the named lock, the query tracker and what the catalogue's
 * methods ask of the database (once per hit where the real class caches), CFile's list and addresses, sites, currencies.
 */
final class FakeCoreQueriesTest extends FakeCoreTestCase
{
    public function testTheNamedLockNestsInItsConnectionAndIsRefusedWhileAnotherHoldsIt(): void
    {
        $connection = Application::getConnection();
        $this->assertTrue($connection->lock('a'));
        $this->assertTrue($connection->lock('a'), 'GET_LOCK nests in the same connection');
        $this->assertTrue($connection->unlock('a'));
        $this->assertTrue($connection->unlock('a'));
        $this->assertFalse($connection->unlock('a'), 'not held any more');
        Connection::fakeHoldElsewhere('b');
        $this->assertFalse($connection->lock('b'));
        Connection::fakeHoldElsewhere('b', false);
        $this->assertTrue($connection->lock('b'));
    }

    public function testTheTrackerCountsWhatTheCatalogueMethodsAskOnlyWhileItRuns(): void
    {
        FakeCatalogue::install(30, 3);
        $connection = Application::getConnection();
        \CIBlockElement::GetList([], ['IBLOCK_ID' => FakeCatalogue::PRODUCTS_IBLOCK]);
        $tracker = $connection->startTracker(true);
        \CIBlockElement::GetList([], ['IBLOCK_ID' => FakeCatalogue::PRODUCTS_IBLOCK], false, ['nPageSize' => 5], ['ID']);
        \CIBlockSection::GetList([], ['IBLOCK_ID' => FakeCatalogue::PRODUCTS_IBLOCK]);
        \CFile::GetFileArray(40);
        $this->assertSame(4, $tracker->getCounter(), 'a paged list counts its rows first');
        $connection->stopTracker();
        \CFile::GetFileArray(40);
        $this->assertSame(4, $tracker->getCounter());
    }

    public function testAnElementsIblockIsAskedOncePerHitAndInChunksOf500ForAList(): void
    {
        FakeCatalogue::install(30, 3);
        $tracker = Application::getConnection()->startTracker(true);
        $this->assertSame(FakeCatalogue::PRODUCTS_IBLOCK, \CIBlockElement::GetIBlockByID(10));
        $this->assertSame(FakeCatalogue::PRODUCTS_IBLOCK, \CIBlockElement::GetIBlockByID(10));
        $this->assertFalse(\CIBlockElement::GetIBlockByID(99999));
        $this->assertSame(2, $tracker->getCounter());
        $ids = range(1, 1200);
        $found = \CIBlockElement::GetIBlockByIDList($ids);
        $this->assertSame(2 + 3, $tracker->getCounter(), '1,199 unknown ids: three queries');
        $this->assertSame(FakeCatalogue::OFFERS_IBLOCK, $found[31]);
        $this->assertArrayNotHasKey(35, $found, 'no such element');
        \CIBlockElement::GetIBlockByID(31);
        \CCatalogProduct::GetVATDataByIDList([10, 20]);
        \CCatalogProduct::GetVATDataByID(20);
        \CCatalogProduct::GetOptimalPrice(20, 1, [2], 'N', [['ID' => 1, 'CATALOG_GROUP_ID' => 1, 'PRICE' => '10.00', 'CURRENCY' => 'RUB']]);
        $this->assertSame(2 + 3 + 1 + 2, $tracker->getCounter(), 'VAT once; known iblocks and VAT read no more; the price passed; the discount\'s product data');
    }

    public function testGetDiscountReadsAProductsDataOnceUnlessThePageFilledTheCacheFirst(): void
    {
        FakeCatalogue::install(30, 3);
        $tracker = Application::getConnection()->startTracker(true);
        \CCatalogDiscount::GetDiscount(10, FakeCatalogue::PRODUCTS_IBLOCK, [FakeCatalogue::BASE_PRICE], [2]);
        \CCatalogDiscount::GetDiscount(10, FakeCatalogue::PRODUCTS_IBLOCK, [FakeCatalogue::BASE_PRICE], [2]);
        $this->assertSame(2, $tracker->getCounter(), 'the product and its sections, once');
        $tracker->reset();
        \CCatalogDiscount::SetProductSectionsCache([20, 40, 50]);
        \CCatalogDiscount::SetDiscountProductCache([20, 40, 50], ['IBLOCK_ID' => FakeCatalogue::PRODUCTS_IBLOCK, 'GET_BY_ID' => 'Y']);
        foreach ([20, 40, 50] as $id) {
            \CCatalogDiscount::GetDiscount($id, FakeCatalogue::PRODUCTS_IBLOCK, [FakeCatalogue::BASE_PRICE], [2]);
        }
        $this->assertSame(2, $tracker->getCounter(), 'the cache filled for the page in two queries');
        \CCatalogDiscount::ClearDiscountCache(['PRODUCT' => true, 'SECTIONS' => true]);
        \CCatalogDiscount::GetDiscount(20, FakeCatalogue::PRODUCTS_IBLOCK, [FakeCatalogue::BASE_PRICE], [2]);
        $this->assertSame(4, $tracker->getCounter());
        $tracker->reset();
        \CCatalogDiscount::GetDiscount(20, FakeCatalogue::PRODUCTS_IBLOCK, [99], [2]);
        $this->assertSame(0, $tracker->getCounter(), 'no discount for that price type: no product data needed');
    }

    public function testCFileListsRowsByIdsAndGivesACloudFilesAddressAsItIs(): void
    {
        FakeCatalogue::install(30, 3);
        $rows = [];
        $files = \CFile::GetList([], ['@ID' => '40,20,999']);
        while ($row = $files->Fetch()) {
            $rows[$row['ID']] = $row;
        }
        $this->assertSame([20, 40], array_keys($rows), 'by ID, the missing left out');
        $this->assertArrayNotHasKey('SRC', $rows['40']);
        $this->assertSame('https://cdn.shop.example/iblock/20.jpg', \CFile::GetFileSRC($rows['20']), 'k % 6 = 2: on a cloud');
        $this->assertSame('/upload/' . $rows['40']['SUBDIR'] . '/picture-40.jpg', \CFile::GetFileSRC($rows['40']));
        \COption::SetOptionString('main', 'upload_dir', 'files');
        $this->assertSame('/files/' . $rows['40']['SUBDIR'] . '/picture-40.jpg', \CFile::GetFileArray(40)['SRC']);
    }

    public function testSitesFilterByIdAndCurrenciesAreKeyedByTheirCodes(): void
    {
        $this->shop->close();
        $this->shop = \MindboxTests\Bitrix\Fakes\FakeShop::open(['s1' => 'Shop', 's2' => 'Outlet']);
        SiteTable::fakeSet('s2', ['SERVER_NAME' => 'outlet.example']);
        $site = SiteTable::getList(['select' => ['LID', 'SERVER_NAME', 'DOC_ROOT'], 'filter' => ['=LID' => 's2']])->fetchAll();
        $this->assertSame([['LID' => 's2', 'SERVER_NAME' => 'outlet.example', 'DOC_ROOT' => '']], $site);
        $this->assertSame([], SiteTable::getList(['filter' => ['LID' => 's3']])->fetchAll());

        CurrencyTable::fakeAdd(['CURRENCY' => 'RUB', 'BASE' => 'Y']);
        CurrencyTable::fakeAdd(['CURRENCY' => 'USD', 'AMOUNT' => '80.5']);
        $rows = CurrencyTable::getList(['select' => ['CURRENCY', 'AMOUNT', 'AMOUNT_CNT'], 'order' => ['CURRENCY' => 'DESC']])->fetchAll();
        $this->assertSame([['CURRENCY' => 'USD', 'AMOUNT' => '80.5', 'AMOUNT_CNT' => '1'], ['CURRENCY' => 'RUB', 'AMOUNT' => '1', 'AMOUNT_CNT' => '1']], $rows);
    }
}
