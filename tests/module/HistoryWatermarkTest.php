<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Config\Option;
use Bitrix\Main\Event;
use Bitrix\Main\EventManager;
use Bitrix\Main\EventResult;
use Bitrix\Main\SiteTable;
use Bitrix\Sale\Order;
use MindboxTests\Bitrix\Fakes\FakeCatalogue;
use MindboxTests\Bitrix\Fakes\FakeHistory;
use Rustbox\Mindbox\Feed\FeedJob;
use Rustbox\Mindbox\History\HistoryException;

/**
 * The cut-over between the live sync and the history, the preflight, and the ids: what the live sync sent is not in
 * the history, and a product is the same id in the history, the live sync and the feed.
 */
final class HistoryWatermarkTest extends HistoryTestCase
{
    public function testWhatTheLiveSyncHandledIsNotInTheHistory(): void
    {
        $this->history(20, 15);
        (new \CUser())->Register('zoe', 'Zoe', 'Live', 'secret1', 'secret1', 'zoe@example.com', 's1');
        $live = (int)array_search('zoe', array_column(\CUser::fakeRows(), 'LOGIN', 'ID'), true);
        $this->shop->fillCart([[20, 'live-20', 1, 100.0, 0.0]]);
        $first = $this->shop->placeOrder($live, 'zoe@example.com', '');
        $this->shop->visit();
        $this->shop->fillCart([[20, 'live-20', 2, 100.0, 0.0]]);
        $this->shop->placeOrder($live, 'zoe@example.com', '');
        // A customer's and two orders' events: nothing orders them among themselves.
        $this->assertEqualsCanonicalizing(['Website.Register', 'Website.CreateOrder', 'Website.CreateOrder'],
            array_values(array_intersect(array_column($this->delivered(), 'operation'), ['Website.Register', 'Website.CreateOrder'])));
        $this->assertSame((string)$first->getId(), Option::getRealValue('rustbox.mindbox', 'history_first_order:' . self::$emulator->endpointId(), ''),
            'the first order recorded, and kept');

        $this->export();

        $this->assertArrayNotHasKey((string)$live, $this->imported('customers'));
        $this->assertEqualsCanonicalizing(self::customerIds(), array_merge(array_map('strval', array_keys($this->imported('customers'))), [(string)$live]));
        $this->assertEquals(self::expectedLines($first->getId()), $this->importedLines(), 'the orders before the first live one, all of them');
    }

    public function testWithoutALiveOrderTheHistoryEndsWithTheLastOrderThereWasAtItsStart(): void
    {
        $this->history(10, 8);
        $this->job()->start(['scope' => 'orders']);
        $later = Order::fakeExisting(['USER_ID' => 1, 'PRICE' => 10.0], [], [['PRODUCT_ID' => 5, 'PRODUCT_XML_ID' => 'x', 'QUANTITY' => 1, 'PRICE' => 10.0, 'BASE_PRICE' => 10.0]]);

        $this->export();

        $this->assertArrayNotHasKey((string)$later, $this->imported('orders'));
        $this->assertEquals(self::expectedLines($later), $this->importedLines());
    }

    public function testThePreflightRefusesAStatusInUseThatHasNoMindboxStatus(): void
    {
        $this->history(10, 12);
        $this->shop->configure(['status_map' => json_encode(['N' => 'CheckedOut', 'F' => 'Delivered'])]);

        try {
            $this->job()->start();
            $this->fail('the run started');
        } catch (HistoryException $e) {
            $this->assertSame('Order statuses in use have no Mindbox status in the status map (status_map): "P". '
                . 'Map them on the settings page (Ids and statuses) before exporting the orders', $e->getMessage());
        }
        $this->assertFalse($this->job()->status()['running']);
        $this->assertSame([$e->getMessage()], $this->job()->lastRun()['errors']);
        $this->assertTrue($this->export(['scope' => 'customers'])['ok'], 'the customers need no status');
    }

    /** @return array<string, array{string}> product_id_source */
    public function sources(): array
    {
        return ['XML_ID' => ['XML_ID'], 'ID' => ['ID']];
    }

    /** @dataProvider sources */
    public function testAProductIsTheSameIdInTheHistoryTheLiveSyncAndTheFeed(string $source): void
    {
        $this->shop->configure(['product_id_source' => $source]);
        $this->assertIdsAgree();
    }

    public function testAnOnGetProductIdHandlerChangesThemAllAlike(): void
    {
        EventManager::getInstance()->addEventHandler('rustbox.mindbox', 'OnGetProductId', static function (Event $event): EventResult {
            return new EventResult(EventResult::SUCCESS, ['productId' => 'sku-' . $event->getParameter('elementId')]);
        });
        $this->assertIdsAgree();
    }

    private function assertIdsAgree(): void
    {
        FakeHistory::install(8, 30, 5, FakeCatalogue::install(12, 3));
        $line = array_values(array_filter(\Bitrix\Sale\Basket::fakeStoredRows(), static fn (array $row) => (int)$row['ORDER_ID'] === 1))[0];
        $customer = $this->shop->existingCustomer('live');
        $this->shop->fillCart([[$line['PRODUCT_ID'], $line['PRODUCT_XML_ID'], 1, 100.0, 0.0]]);
        $this->shop->placeOrder($customer, 'live@example.com', '');
        $created = array_values(array_filter($this->delivered(), static fn (array $e) => $e['operation'] === 'Website.CreateOrder'))[0];

        $this->export(['scope' => 'orders']);

        $history = $this->imported('orders')['1']['lines'][0]['productIds'];
        $this->assertSame($created['body']['order']['lines'][0]['product']['ids'], $history, 'the live sync\'s id of the product');
        $ids = [];
        foreach (self::$emulator->bulk('orders') as $order) {
            array_push($ids, ...array_column(array_column($order['lines'], 'productIds'), 'websiteID'));
        }
        $this->assertSame([], array_values(array_diff($ids, $this->feedOfferIds())), 'every product of the history is an offer of the feed');
    }

    /** @return list<string> */
    private function feedOfferIds(): array
    {
        SiteTable::fakeSet('s1', ['SERVER_NAME' => 'shop.example']);
        \Bitrix\Currency\CurrencyTable::fakeAdd(['CURRENCY' => 'RUB', 'AMOUNT' => '1', 'AMOUNT_CNT' => 1, 'BASE' => 'Y', 'SORT' => 10]);
        $this->shop->configure(['feed_iblock_id' => (string)FakeCatalogue::PRODUCTS_IBLOCK], 's1');
        $this->assertTrue(FeedJob::forSite('s1')->run()['ok']);
        $document = new \DOMDocument();
        $document->load(FeedJob::forSite('s1')->path());
        return array_map(static fn (\DOMElement $offer) => $offer->getAttribute('id'), iterator_to_array($document->getElementsByTagName('offer')));
    }
}
