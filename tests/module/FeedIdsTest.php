<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Event;
use Bitrix\Main\EventManager;
use Bitrix\Main\EventResult;
use MindboxTests\Bitrix\Fakes\FakeCatalogue;
use Rustbox\Mindbox\Mappers\ViewMapper;
use Rustbox\Mindbox\Mindbox;

/** An offer's id in the feed is the id the same product has in the orders, carts and views Mindbox gets. */
final class FeedIdsTest extends FeedTestCase
{
    private const DEVICE = '3f1c9a52-77b0-4c1e-9d2f-8a6b5e4d3c21';

    /** @return array<string, array{string, \Closure(int): string}> product_id_source => the id of an element */
    public function sources(): array
    {
        return [
            'XML_ID' => ['XML_ID', static fn (int $id) => self::xmlId($id)],
            'ID' => ['ID', static fn (int $id) => (string)$id],
        ];
    }

    /** @dataProvider sources */
    public function testOrdersCartsAndViewsSendTheIdsOfTheFeed(string $source, \Closure $idOf): void
    {
        $this->shop->configure(['product_id_source' => $source]);
        $this->assertFeedIdsAreThoseSent($idOf);
    }

    public function testAnOnGetProductIdHandlerChangesThemEverywhereAlike(): void
    {
        EventManager::getInstance()->addEventHandler('rustbox.mindbox', 'OnGetProductId', static function (Event $event): EventResult {
            return new EventResult(EventResult::SUCCESS, ['productId' => 'sku-' . $event->getParameter('elementId')]);
        });
        $this->assertFeedIdsAreThoseSent(static fn (int $id) => 'sku-' . $id);
    }

    /** @param \Closure(int): string $idOf */
    private function assertFeedIdsAreThoseSent(\Closure $idOf): void
    {
        $catalogue = FakeCatalogue::install(12, 3);
        $sku = $catalogue->offersOf(30)[0];
        $this->generate();
        $offers = $this->offers();

        $this->assertSame($idOf(30), $offers[$idOf($sku)]['group_id']);
        $this->assertArrayHasKey($idOf(20), $offers);
        $customer = $this->shop->existingCustomer();
        $this->shop->visit(['mindboxDeviceUUID' => self::DEVICE]);
        // What the catalog's basket provider puts on a line: the element and its XML_ID.
        $this->shop->fillCart([[$sku, self::xmlId($sku), 1, 100.0, 0.0], [20, self::xmlId(20), 2, 50.0, 0.0]]);
        $this->shop->placeOrder($customer, 'anna@example.com', '');

        $cart = array_column(array_column($this->sentOf('setCart')[0][1]['productList'], 'product'), 'ids');
        $lines = array_column(array_column($this->sentOf('createOrder')[0][1]['order']['lines'], 'product'), 'ids');
        $expected = [['websiteID' => $idOf($sku)], ['websiteID' => $idOf(20)]];
        $this->assertSame($expected, $cart);
        $this->assertSame($expected, $lines);
        $view = (new ViewMapper(Mindbox::settings('s1')))->product(30);
        $this->assertSame(['websiteID' => $offers[$idOf($sku)]['group_id']], $view['viewProduct']['product']['ids'], 'a viewed product is its SKUs\' group');
        $section = $catalogue->sectionIds()[0];
        $category = (new ViewMapper(Mindbox::settings('s1')))->category($section)['viewProductCategory']['productCategory']['ids']['websiteID'];
        $this->assertArrayHasKey($category, $this->categories(), 'a viewed section is a category of the feed');
    }
}
