<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Rustbox\Mindbox\Mappers\OrderChange;

/**
 * What an order's save tells Mindbox, from what it was told before: the lines keep their lineNumbers, what is taken
 * off a line goes under a number of its own with its status, a status alone is a status change, and nothing is sent
 * when nothing Mindbox keeps changed.
 */
final class OrderChangeTest extends ModuleTestCase
{
    /** @param array<string, array{0: float, 1?: float}> $lines basket id => [quantity, base price] */
    private static function order(array $lines, float $delivery = 300.0): array
    {
        $body = [];
        $total = $delivery;
        foreach ($lines as $id => [$quantity, $price]) {
            $body[] = ['lineId' => (string)$id, 'product' => ['ids' => ['website' => "P$id"]], 'quantity' => $quantity, 'basePricePerItem' => $price];
            $total += $quantity * $price;
        }
        return ['customer' => ['ids' => ['websiteID' => '7']], 'order' => ['ids' => ['websiteID' => '1001'],
            'deliveryCost' => $delivery, 'totalPrice' => $total, 'lines' => $body]];
    }

    /** @return array<int, array{0: string, 1: float, 2: string}> lineNumber => [lineId, quantity, status] */
    private static function lines(array $body): array
    {
        $lines = [];
        foreach ($body['order']['lines'] as $line) {
            $lines[$line['lineNumber']] = [$line['lineId'], $line['quantity'], $line['status']['ids']['externalId']];
        }
        return $lines;
    }

    public function testTheCreationsNumbersAreWhatMindboxHolds(): void
    {
        $order = self::order(['11' => [2, 100.0], '12' => [1, 50.0]]);
        $created = OrderChange::numbered($order, 'CheckedOut')['order']['lines'];
        $this->assertSame([1, 2], array_column($created, 'lineNumber'));
        $this->assertSame(['ids' => ['externalId' => 'CheckedOut']], $created[1]['status']);
        $told = OrderChange::asCreated($order, 'CheckedOut');
        $same = OrderChange::of(json_decode(json_encode($told), true), $order, 'CheckedOut', 'Cancelled');
        $this->assertNull($same->kind, 'a save that changes nothing Mindbox keeps sends nothing');
    }

    public function testALineRemovedAQuantityReducedAndALineAddedKeepTheNumbers(): void
    {
        $told = OrderChange::asCreated(self::order(['11' => [3, 100.0], '12' => [1, 50.0], '13' => [2, 10.0]]), 'CheckedOut');
        $change = OrderChange::of($told, self::order(['11' => [1, 100.0], '13' => [2, 10.0], '14' => [5, 1.0]]), 'CheckedOut', 'Cancelled');
        $this->assertSame(OrderChange::UPDATE, $change->kind);
        $this->assertEquals([
            1 => ['11', 1, 'CheckedOut'],
            2 => ['12', 1, 'Cancelled'],
            3 => ['13', 2, 'CheckedOut'],
            4 => ['11', 2, 'Cancelled'],
            5 => ['14', 5, 'CheckedOut'],
        ], self::lines($change->body));
        $this->assertSame(['ids' => ['website' => 'P12']], $change->body['order']['lines'][1]['product']);

        $again = OrderChange::of($change->told, self::order(['11' => [2, 100.0], '13' => [2, 10.0], '14' => [5, 1.0]]), 'Paid', 'Returned');
        $this->assertEquals([
            1 => ['11', 2, 'Paid'],
            2 => ['12', 1, 'Cancelled'],
            3 => ['13', 2, 'Paid'],
            4 => ['11', 2, 'Cancelled'],
            5 => ['14', 5, 'Paid'],
        ], self::lines($again->body), 'a quantity raised again goes back on its line; what was taken off stays');
        $returned = OrderChange::of($again->told, self::order(['11' => [2, 100.0], '13' => [1, 10.0]]), 'Paid', 'Returned');
        $this->assertEquals([5 => ['14', 5, 'Returned'], 6 => ['13', 1, 'Returned']], array_intersect_key(self::lines($returned->body), [5 => 0, 6 => 0]));
    }

    public function testDeliveryAndPricesAreContent(): void
    {
        $told = OrderChange::asCreated(self::order(['11' => [1, 100.0]]), 'CheckedOut');
        $this->assertSame(OrderChange::UPDATE, OrderChange::of($told, self::order(['11' => [1, 100.0]], 0.0), 'CheckedOut', 'Cancelled')->kind);
        $this->assertSame(OrderChange::UPDATE, OrderChange::of($told, self::order(['11' => [1, 90.0]]), 'CheckedOut', 'Cancelled')->kind);
    }

    public function testWhileMindboxRefusedTheLastBodyAStatusGoesAsTheWholeUpdate(): void
    {
        $told = OrderChange::asCreated(self::order(['11' => [1, 100.0]]), 'CheckedOut');
        $paid = OrderChange::of($told, self::order(['11' => [1, 100.0]]), 'Paid', 'Returned', true);
        $this->assertSame(OrderChange::UPDATE, $paid->kind);
        $this->assertEquals([1 => ['11', 1, 'Paid']], self::lines($paid->body));
        $this->assertNull(OrderChange::of($told, self::order(['11' => [1, 100.0]]), 'CheckedOut', 'Cancelled', true)->kind,
            'nothing new: the refused body waits to be sent again');
    }

    public function testAStatusAloneIsAStatusChangeOfTheLinesStillBought(): void
    {
        $told = OrderChange::asCreated(self::order(['11' => [1, 100.0], '12' => [1, 50.0]]), 'CheckedOut');
        $paid = OrderChange::of($told, self::order(['11' => [1, 100.0], '12' => [1, 50.0]]), 'Paid', 'Returned');
        $this->assertSame(OrderChange::STATUS, $paid->kind);
        $this->assertSame(['orderLinesStatus' => 'Paid', 'order' => ['ids' => ['websiteID' => '1001']]], $paid->body);

        $removed = OrderChange::of($paid->told, self::order(['11' => [1, 100.0]]), 'Paid', 'Returned');
        $cancelled = OrderChange::of($removed->told, self::order(['11' => [1, 100.0]]), 'Cancelled', 'Returned');
        $this->assertSame(OrderChange::STATUS, $cancelled->kind);
        $this->assertSame(['order' => ['ids' => ['websiteID' => '1001'], 'lines' => [['lineNumber' => 1, 'status' => 'Cancelled']]]], $cancelled->body,
            'the returned line keeps its status');
        $restored = OrderChange::of($cancelled->told, self::order(['11' => [1, 100.0]]), 'Paid', 'Returned');
        $this->assertSame([['lineNumber' => 1, 'status' => 'Paid']], $restored->body['order']['lines'], 'un-cancelling restores the status');
    }

    public function testWhatCallersKeepBesideTheToldOrderIsNoChange(): void
    {
        $order = self::order(['11' => [2, 100.0]]);
        $told = OrderChange::asCreated($order, 'CheckedOut') + ['processing' => ['guest' => false, 'coupons' => [], 'bonusPoints' => []],
            'repricing' => ['bitrix' => 200.0, 'mindbox' => 180.0, 'lines' => [], 'at' => 1]];
        $this->assertNull(OrderChange::of($told, $order, 'CheckedOut', 'Cancelled')->kind);
        $this->assertEquals([1 => ['11', 2, 'CheckedOut']], self::lines(OrderChange::told($order, $told)), 'told again, by the same numbers');
    }

    public function testALineMindboxSplitKeepsItsPartsNumbers(): void
    {
        // Mindbox confirmed 3 units of line 11 as two parts, 1 (one unit) and 3 (two), line 12 as 2.
        $order = self::order(['11' => [3, 100.0], '12' => [1, 50.0]]);
        $told = OrderChange::asCreated($order, 'CheckedOut', ['11' => [[1, 1.0], [3, 2.0]], '12' => [[2, 1.0]]]);
        $this->assertSame(4, $told['next']);
        $this->assertEquals([1 => ['11', 1, 'CheckedOut'], 2 => ['12', 1, 'CheckedOut'], 3 => ['11', 2, 'CheckedOut']],
            self::lines(OrderChange::told($order, $told)), 'told by Mindbox\'s numbers, each part with its quantity');

        $reduced = OrderChange::of($told, self::order(['11' => [2, 100.0], '12' => [1, 50.0]]), 'CheckedOut', 'Cancelled');
        $this->assertEquals([1 => ['11', 1, 'CheckedOut'], 2 => ['12', 1, 'CheckedOut'], 3 => ['11', 1, 'CheckedOut'], 4 => ['11', 1, 'Cancelled']],
            self::lines($reduced->body), 'taken off the last part, which Mindbox splits under the next number');
        $reduced = OrderChange::of($reduced->told, self::order(['11' => [1, 100.0], '12' => [1, 50.0]]), 'CheckedOut', 'Cancelled');
        $this->assertEquals([1 => ['11', 1, 'CheckedOut'], 2 => ['12', 1, 'CheckedOut'], 3 => ['11', 1, 'Cancelled'], 4 => ['11', 1, 'Cancelled']],
            self::lines($reduced->body), 'a part taken whole keeps its number');
        $this->assertArrayNotHasKey('parts', $reduced->told['lines']['11'], 'one part left');

        $removed = OrderChange::of($told, self::order(['12' => [1, 50.0]]), 'CheckedOut', 'Cancelled');
        $this->assertEquals([1 => ['11', 1, 'Cancelled'], 2 => ['12', 1, 'CheckedOut'], 3 => ['11', 2, 'Cancelled']], self::lines($removed->body));
        $paid = OrderChange::of($reduced->told, self::order(['11' => [1, 100.0], '12' => [1, 50.0]]), 'Paid', 'Returned');
        $this->assertSame([['lineNumber' => 1, 'status' => 'Paid'], ['lineNumber' => 2, 'status' => 'Paid']], $paid->body['order']['lines']);
    }
}
