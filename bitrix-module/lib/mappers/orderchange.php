<?php

namespace Rustbox\Mindbox\Mappers;

/**
 * What an order's save changes in what Mindbox was told of it, and the one body that tells it.
 *
 * "Told" is the order as Mindbox holds it after everything the module queued for it (kept in the outbox beside the
 * item that carries it): each basket line by its id (`lineId`) with the `lineNumber` of its part still bought, the
 * product, quantity and prices; the parts taken off it (a line removed, a quantity reduced) each under a lineNumber of
 * its own with its status (Mindbox splits a line so); the delivery, the total, the order's status and the next free
 * lineNumber. A line's parts keep their lineNumbers for the order's whole life, so the numbers sent always name what
 * Mindbox has.
 *
 * The body: a change of content (lines, quantities, prices, delivery, total) is the order's update with every line,
 * each with its lineNumber and status, the parts taken off included; a change of the status alone is the status
 * change, of every line (`orderLinesStatus`) while no part was taken off, else of the lines still bought by number.
 */
final class OrderChange
{
    public const UPDATE = 'update';
    public const STATUS = 'status';

    /**
     * @param ?string $kind UPDATE, STATUS, or null when nothing Mindbox keeps changed
     * @param array $told what Mindbox holds once the body is delivered
     */
    private function __construct(public readonly ?string $kind, public readonly array $body, public readonly array $told)
    {
    }

    /**
     * @param ?array $told what Mindbox was told; null when nothing was recorded (an order saved before the module kept
     *     it): the whole order is sent as it stands, its lines numbered as a creation numbers them
     * @param array $order the order's full body as OrderMapper::order() makes it (lines in the basket's order)
     * @param string $status the Mindbox status of the order as it stands, '' for none (a status the map leaves out)
     * @param string $takenOff the status of a part taken off now (cancelled, or returned once paid)
     * @param bool $refused Mindbox refused the body that told $told (it waits in the outbox to be sent again): a status
     *     change then goes as the whole update, which carries what Mindbox did not take as well
     */
    public static function of(?array $told, array $order, string $status, string $takenOff, bool $refused = false): self
    {
        if ($told === null) {
            $now = self::asCreated($order, $status);
            return new self(self::UPDATE, self::update($order, $now), $now);
        }
        $now = ['status' => $status, 'delivery' => (float)($order['order']['deliveryCost'] ?? 0),
            'total' => (float)($order['order']['totalPrice'] ?? 0), 'lines' => [], 'takenOff' => $told['takenOff'], 'next' => $told['next']];
        foreach ($order['order']['lines'] as $line) {
            $id = (string)$line['lineId'];
            $was = $told['lines'][$id] ?? null;
            $quantity = (float)$line['quantity'];
            $parts = $was === null ? [[$now['next']++, $quantity]] : self::partsOf($was);
            if ($was !== null && $quantity < $was['quantity']) {
                $parts = self::takeOff($now, $id, $was, $parts, round($was['quantity'] - $quantity, 3), $takenOff);
            } elseif ($was !== null && $quantity > $was['quantity']) {
                $parts[count($parts) - 1][1] = round($parts[count($parts) - 1][1] + $quantity - $was['quantity'], 3);
            }
            $now['lines'][$id] = ['number' => $parts[0][0], 'product' => $line['product'], 'quantity' => $quantity,
                'basePrice' => (float)$line['basePricePerItem'], 'discounts' => $line['discounts'] ?? []]
                + (count($parts) > 1 ? ['parts' => $parts] : []);
        }
        foreach (array_diff_key($told['lines'], $now['lines']) as $id => $was) {
            foreach (self::partsOf($was) as [$number, $quantity]) {
                $now['takenOff'][] = self::part((string)$id, $was, $number, $quantity, $takenOff);
            }
        }
        // Loosely: the told order comes back from JSON, where a whole float may have become an integer.
        if (self::content($now) != self::content($told) || ($refused && $status !== $told['status'])) {
            return new self(self::UPDATE, self::update($order, $now), $now);
        }
        if ($status !== $told['status']) {
            return new self(self::STATUS, self::statusChange($order, $now), $now);
        }
        return new self(null, [], $told);
    }

    /**
     * What Mindbox holds of an order the creation told: its lines numbered from 1 in the basket's order, or as Mindbox
     * numbered them when it confirmed the order with processing, a line it split in parts.
     *
     * @param array<string, list<array{0: int, 1: float}>> $numbering by lineId, the [lineNumber, quantity] of each part
     */
    public static function asCreated(array $order, string $status, array $numbering = []): array
    {
        $told = ['status' => $status, 'delivery' => (float)($order['order']['deliveryCost'] ?? 0),
            'total' => (float)($order['order']['totalPrice'] ?? 0), 'lines' => [], 'takenOff' => [], 'next' => 1];
        $numbers = array_merge([0], ...array_map(static fn (array $parts) => array_column($parts, 0), array_values($numbering)));
        $next = max($numbers) + 1;
        foreach ($order['order']['lines'] as $line) {
            $parts = $numbering[(string)$line['lineId']] ?? [[$next++, (float)$line['quantity']]];
            $told['lines'][(string)$line['lineId']] = ['number' => $parts[0][0], 'product' => $line['product'],
                'quantity' => (float)$line['quantity'], 'basePrice' => (float)$line['basePricePerItem'], 'discounts' => $line['discounts'] ?? []]
                + (count($parts) > 1 ? ['parts' => $parts] : []);
        }
        $told['next'] = $next;
        return $told;
    }

    /**
     * The parts of the told order's lines still bought, in lineNumber order.
     *
     * @return list<array{lineId: string, number: int, quantity: float}>
     */
    public static function bought(array $told): array
    {
        $parts = [];
        foreach ($told['lines'] as $id => $line) {
            foreach (self::partsOf($line) as [$number, $quantity]) {
                $parts[] = ['lineId' => (string)$id, 'number' => $number, 'quantity' => $quantity];
            }
        }
        usort($parts, static fn (array $a, array $b) => $a['number'] <=> $b['number']);
        return $parts;
    }

    /** The creation's lines with the numbers asCreated() gives them and the order's status. */
    public static function numbered(array $order, string $status): array
    {
        foreach ($order['order']['lines'] as $at => &$line) {
            $line = ['lineNumber' => $at + 1] + $line + self::status($status);
        }
        return $order;
    }

    /** @return list<array{0: int, 1: float}> a told line's parts: [lineNumber, quantity] each */
    private static function partsOf(array $line): array
    {
        return $line['parts'] ?? [[$line['number'], (float)$line['quantity']]];
    }

    /**
     * $quantity of a line taken off its last parts: a part taken whole keeps its lineNumber, a part taken in part is
     * split, what is taken going under the next free number (Mindbox splits the line so).
     *
     * @return list<array{0: int, 1: float}> the parts left
     */
    private static function takeOff(array &$now, string $id, array $was, array $parts, float $quantity, string $status): array
    {
        while ($quantity > 0 && $parts !== []) {
            [$number, $has] = array_pop($parts);
            if ($has <= $quantity) {
                $now['takenOff'][] = self::part($id, $was, $number, $has, $status);
            } else {
                $now['takenOff'][] = self::part($id, $was, $now['next']++, $quantity, $status);
                $parts[] = [$number, round($has - $quantity, 3)];
            }
            $quantity = round($quantity - min($has, $quantity), 3);
        }
        return $parts;
    }

    private static function part(string $lineId, array $line, int $number, float $quantity, string $status): array
    {
        return ['lineId' => $lineId, 'number' => $number, 'product' => $line['product'], 'quantity' => $quantity,
            'basePrice' => $line['basePrice'], 'status' => $status];
    }

    /** @return array what of the told order a content change is made of: all but the status (and what callers keep beside) */
    private static function content(array $told): array
    {
        return array_intersect_key($told, array_flip(['delivery', 'total', 'lines', 'takenOff', 'next']));
    }

    /**
     * Money returned to the buyer (`returnedPayments`), by the line-status operation with every part of the order by
     * its lineNumber and the status it has.
     *
     * @param list<array{type: string, amount: float}> $payments
     */
    public static function moneyReturned(array $order, array $now, array $payments): array
    {
        $lines = $now['status'] === '' ? [] : array_map(static fn (array $part) => ['lineNumber' => $part['number'], 'status' => $now['status']], self::bought($now));
        foreach ($now['takenOff'] as $part) {
            $lines[] = ['lineNumber' => $part['number'], 'status' => $part['status']];
        }
        usort($lines, static fn (array $a, array $b) => $a['lineNumber'] <=> $b['lineNumber']);
        return ['order' => ['ids' => $order['order']['ids']] + ($lines !== [] ? ['lines' => $lines] : []) + ['returnedPayments' => $payments]];
    }

    /** The whole update that tells Mindbox $told of the order as it stands (a body once refused, sent another way). */
    public static function told(array $order, array $told): array
    {
        return self::update($order, $told);
    }

    private static function update(array $order, array $now): array
    {
        $lines = [];
        $bodies = array_column($order['order']['lines'], null, 'lineId');
        foreach (self::bought($now) as $part) {
            $line = $bodies[$part['lineId']];
            if (isset($now['lines'][$part['lineId']]['parts'])) {
                // A part of a line Mindbox split: its own quantity; the line's discounts were Mindbox's to calculate.
                unset($line['discounts']);
                $line['quantity'] = $part['quantity'];
            }
            $lines[] = ['lineNumber' => $part['number']] + $line + self::status($now['status']);
        }
        foreach ($now['takenOff'] as $part) {
            $lines[] = ['lineId' => $part['lineId'], 'lineNumber' => $part['number'], 'product' => $part['product'],
                'quantity' => $part['quantity'], 'basePricePerItem' => $part['basePrice']] + self::status($part['status']);
        }
        usort($lines, static fn (array $a, array $b) => $a['lineNumber'] <=> $b['lineNumber']);
        $order['order']['lines'] = $lines;
        return $order;
    }

    /** A line's status in an order's body, by its external id (mindbox-api.md §4.1); none while the order has none. */
    private static function status(string $status): array
    {
        return $status === '' ? [] : ['status' => ['ids' => ['externalId' => $status]]];
    }

    private static function statusChange(array $order, array $now): array
    {
        $ids = ['ids' => $order['order']['ids']];
        if ($now['takenOff'] === []) {
            return ['orderLinesStatus' => $now['status'], 'order' => $ids];
        }
        $lines = array_map(static fn (array $part) => ['lineNumber' => $part['number'], 'status' => $now['status']], self::bought($now));
        return ['order' => $ids + ['lines' => $lines]];
    }
}
