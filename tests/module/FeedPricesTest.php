<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Catalog\PriceTable;
use Bitrix\Catalog\StoreProductTable;
use MindboxTests\Bitrix\Fakes\FakeCatalogue;

/** Prices an anonymous buyer pays, oldprice only with a discount, and the regional feeds' prices and stock. */
final class FeedPricesTest extends FeedTestCase
{
    public function testPricesAreAnAnonymousBuyersWithOldpriceOnlyWhereADiscountLowersThem(): void
    {
        $catalogue = FakeCatalogue::install(40, 7);
        // Whoever runs the feed (an admin, a wholesale buyer in the same hit) must not change what it shows.
        $this->shop->logIn((new \CUser())->Add(['LOGIN' => 'wholesale', 'EMAIL' => 'w@example.com', 'GROUP_ID' => [FakeCatalogue::WHOLESALE_GROUP]]));
        $this->generate();
        $offers = $this->offers();

        $discounted = 0;
        foreach (self::sellableElements($catalogue) as $id) {
            $base = self::price($id, FakeCatalogue::BASE_PRICE);
            if ($base === null) {
                continue;
            }
            $offer = $offers[self::xmlId($id)];
            $parent = intdiv($id, 10) * 10;
            if (intdiv($parent, 10) % 4 === 1) {
                $this->assertSame(self::money(round($base * 0.9, 2)), $offer['price'], "element $id: 10 % off for everyone");
                $this->assertSame(self::money($base), $offer['oldprice']);
                $discounted++;
            } else {
                $this->assertSame(self::money($base), $offer['price'], "element $id");
                $this->assertArrayNotHasKey('oldprice', $offer, 'no discount, no old price: Mindbox erases it');
            }
            $this->assertSame('RUB', $offer['currencyId']);
            $wholesale = \CCatalogProduct::GetOptimalPrice($id, 1, [FakeCatalogue::WHOLESALE_GROUP])['RESULT_PRICE']['DISCOUNT_PRICE'];
            $this->assertLessThan((float)$offer['price'], $wholesale, 'a wholesale buyer would pay less: not shown');
        }
        $this->assertGreaterThan(3, $discounted);
    }

    public function testAnotherPriceTypeIsShownAsAnAnonymousBuyerGetsIt(): void
    {
        FakeCatalogue::install(12, 7);
        $this->shop->configure(['feed_price_type' => (string)FakeCatalogue::WHOLESALE_PRICE], 's1');
        $this->generate();

        $offer = $this->offers()['P-20'];
        $this->assertSame(self::money(self::price(20, FakeCatalogue::WHOLESALE_PRICE)), $offer['price'], 'without the wholesale group\'s 50 %');
        $this->assertArrayNotHasKey('oldprice', $offer);
    }

    public function testRegionalFeedsHoldOnlyWhatMindboxReadsWithTheirZonesPricesAndStock(): void
    {
        $catalogue = FakeCatalogue::install(30, 7);
        $ids = self::sellableElements($catalogue);
        foreach ($ids as $n => $id) {
            StoreProductTable::fakeAdd(['ID' => 1000 + $n, 'STORE_ID' => 7, 'PRODUCT_ID' => $id, 'AMOUNT' => $n % 3 === 0 ? 0 : 5]);
            StoreProductTable::fakeAdd(['ID' => 5000 + $n, 'STORE_ID' => 8, 'PRODUCT_ID' => $id, 'AMOUNT' => 9]);
        }
        $this->shop->configure(['feed_regions' => json_encode(['msk' => ['priceType' => FakeCatalogue::WHOLESALE_PRICE], 'spb-2' => ['store' => 7]])], 's1');
        $summary = $this->generate();
        $main = $this->offers();
        $msk = $this->offers('msk');
        $spb = $this->offers('spb-2');

        $this->assertSame(array_keys($main), array_keys($msk));
        $this->assertSame(array_keys($main), array_keys($spb));
        $this->assertSame(['0' => 'Catalogue'], $this->categories('msk'), 'a regional feed\'s categories are not read: only the root');
        $allowed = ['id', 'available', 'price', 'oldprice', 'currencyId', 'url', 'picture', 'name', 'description', 'categoryId'];
        foreach ([$msk, $spb] as $regional) {
            foreach ($regional as $offer) {
                $this->assertSame([], array_diff(array_keys($offer), $allowed), 'no vendorCode, group_id, params or vendor');
                $this->assertSame(['0'], $offer['categoryId']);
            }
        }
        foreach ($ids as $n => $id) {
            $key = self::xmlId($id);
            $wholesale = self::price($id, FakeCatalogue::WHOLESALE_PRICE);
            $this->assertSame($wholesale === null ? null : self::money($wholesale), $msk[$key]['price'] ?? null, "msk: element $id");
            $this->assertArrayNotHasKey('oldprice', $msk[$key], 'no discount on the zone\'s price type, whatever the main feed has');
            $this->assertSame($main[$key]['price'] ?? null, $spb[$key]['price'] ?? null, 'spb: the main feed\'s price type');
            $inStock = $n % 3 !== 0 && $main[$key]['available'] === 'true';
            $this->assertSame($inStock ? 'true' : 'false', $spb[$key]['available'], "spb: element $id in store 7");
            $this->assertSame($main[$key]['name'], $msk[$key]['name']);
        }
        $this->assertSame(count($ids), $summary['regions']['spb-2']['offers']);
        $this->assertStringEndsWith('/catalog-spb-2.yml', $summary['regions']['spb-2']['url']);
    }

    public function testARegionalSetupThatCannotBeUsedFailsTheRunNamingTheZoneAndKeepsTheFeed(): void
    {
        FakeCatalogue::install(5, 7);
        $this->generate();
        $before = file_get_contents($this->job()->path());
        $this->shop->configure(['feed_regions' => '{"moscow city": {"store": 3}}'], 's1');

        try {
            $this->job()->run();
            $this->fail('the run went on');
        } catch (\InvalidArgumentException $e) {
            $this->assertStringContainsString('"moscow city"', $e->getMessage());
        }
        $this->assertSame($before, file_get_contents($this->job()->path()));
        $last = $this->job()->lastRun();
        $this->assertFalse($last['ok']);
        $this->assertStringContainsString('moscow city', $last['errors'][0]);
        $this->assertFalse($this->job()->status()['running']);
    }

    private static function price(int $id, int $type): ?float
    {
        $row = PriceTable::getRow(['filter' => ['=PRODUCT_ID' => $id, '=CATALOG_GROUP_ID' => $type]]);
        return $row === null ? null : (float)$row['PRICE'];
    }

    /** How the writer writes an amount: kopecks, no trailing zeros. */
    private static function money(float $amount): string
    {
        return rtrim(rtrim(number_format($amount, 2, '.', ''), '0'), '.');
    }
}
