<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Currency\CurrencyTable;
use Bitrix\Main\SiteTable;
use MindboxTests\Bitrix\Fakes\FakeCatalogue;
use Rustbox\Mindbox\Feed\FeedJob;

/**
 * A shop with the fake catalogue (FakeCatalogue) and the feed set up for site s1, written by the real extension's
 * MindboxFeedWriter; the feeds are read back with PHP's DOM, which fails on anything that is not well-formed XML.
 */
abstract class FeedTestCase extends ModuleTestCase
{
    protected const SETUP = [
        'feed_enabled' => 'Y',
        'feed_iblock_id' => '2',
        'feed_page_size' => '7',
        'feed_params' => 'COLOR_REF,MATERIAL,SIZES_CLOTHES',
        'feed_vendor_property' => 'BRAND',
        'feed_vendor_code_property' => 'ARTNUMBER',
    ];

    protected function setUp(): void
    {
        if (!extension_loaded('mindbox')) {
            $this->markTestSkipped('the feed is written by the mindbox extension');
        }
        parent::setUp();
        SiteTable::fakeSet('s1', ['SERVER_NAME' => 'shop.example']);
        CurrencyTable::fakeAdd(['CURRENCY' => 'RUB', 'AMOUNT' => '1', 'AMOUNT_CNT' => 1, 'BASE' => 'Y', 'SORT' => 10]);
        CurrencyTable::fakeAdd(['CURRENCY' => 'USD', 'AMOUNT' => '80.4567', 'AMOUNT_CNT' => 1, 'SORT' => 20]);
        CurrencyTable::fakeAdd(['CURRENCY' => 'JPY', 'AMOUNT' => '53.21', 'AMOUNT_CNT' => 100, 'SORT' => 30]);
        $this->shop->configure(self::SETUP, 's1');
    }

    protected function job(): FeedJob
    {
        return FeedJob::forSite('s1');
    }

    /** The whole feed in one process; its summary, which must say it went well. */
    protected function generate(): array
    {
        $summary = $this->job()->run();
        $this->assertTrue($summary['ok'], implode('; ', $summary['errors']));
        return $summary;
    }

    /** The feed's document (a regional one with $zone), parsed; gzip is read through. */
    protected function document(?string $zone = null): \DOMDocument
    {
        $path = $this->job()->path($zone);
        $xml = file_get_contents(str_ends_with($path, '.gz') ? 'compress.zlib://' . $path : $path);
        $document = new \DOMDocument();
        $this->assertTrue($document->loadXML($xml, LIBXML_NONET), "$path is well-formed XML");
        return $document;
    }

    /**
     * The offers of a feed by id: attributes and child elements as strings, categoryId, picture as lists, param as
     * name => value.
     *
     * @return array<string, array<string, mixed>>
     */
    protected function offers(?string $zone = null): array
    {
        $offers = [];
        foreach ($this->document($zone)->getElementsByTagName('offer') as $element) {
            $offer = [];
            foreach ($element->attributes as $attribute) {
                $offer[$attribute->name] = $attribute->value;
            }
            foreach ($element->childNodes as $child) {
                if ($child instanceof \DOMElement) {
                    match ($child->tagName) {
                        'categoryId', 'picture' => $offer[$child->tagName][] = $child->textContent,
                        'param' => $offer['param'][$child->getAttribute('name')] = $child->textContent,
                        default => $offer[$child->tagName] = $child->textContent,
                    };
                }
            }
            $this->assertArrayNotHasKey($offer['id'], $offers, 'each offer once');
            $offers[$offer['id']] = $offer;
        }
        return $offers;
    }

    /** @return array<string, string> category id => name */
    protected function categories(?string $zone = null): array
    {
        $categories = [];
        foreach ($this->document($zone)->getElementsByTagName('category') as $element) {
            $categories[$element->getAttribute('id')] = $element->textContent;
        }
        return $categories;
    }

    /** @return list<int> every element the feed must hold: products without offers, and every offer */
    protected static function sellableElements(FakeCatalogue $catalogue): array
    {
        $ids = [];
        foreach ($catalogue->productIds() as $productId) {
            array_push($ids, ...($catalogue->offersOf($productId) ?: [$productId]));
        }
        return $ids;
    }

    /** The XML_ID of an element: the feed's id with product_id_source XML_ID, the default. */
    protected static function xmlId(int $elementId): string
    {
        return \Bitrix\Iblock\FakeStore::$elements[$elementId]['XML_ID'];
    }
}
