<?php

namespace Rustbox\Mindbox\Mappers;

use Bitrix\Sale\Order;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Support\Kopecks;

/**
 * The bodies of loyalty processing at checkout: the cart's calculation, the order's confirmation under a temporary id
 * (Bitrix has none yet), its cancellation when Bitrix does not save it, and after the save the order linked to its
 * own id, or sent as an offline order when Mindbox did not confirm it.
 */
final class ProcessingMapper
{
    private readonly OrderMapper $orders;

    public function __construct(private readonly Settings $settings)
    {
        $this->orders = new OrderMapper($settings);
    }

    /**
     * Of `op_calculate_cart` (a guest's `op_calculate_guest_cart`, without customer and points): the lines at what
     * they cost now, after the shop's own rules. Prices and quantities are rounded here, as the extension rounds them
     * for Mindbox, because Mindbox's answer is checked against this body (Loyalty\CalculationAnswer).
     *
     * @param array<string, array{quantity: float, price: float}> $lines by basket code
     * @param list<string> $coupons promo codes entered that Bitrix does not know
     * @param int|null $userId the buyer, null for a guest
     * @param int $points kopecks of points asked for
     */
    public function calculation(Order $order, array $lines, array $coupons, ?int $userId, int $points): array
    {
        $productIds = new ProductIds($this->settings);
        $body = ['order' => ['lines' => []]];
        foreach ($lines as $code => $line) {
            $item = $order->getBasket()?->getItemByBasketCode($code);
            $body['order']['lines'][] = [
                'lineId' => (string)$code,
                'product' => ['ids' => $item !== null ? $productIds->of($item) : []],
                'quantity' => round($line['quantity'], 3),
                'basePricePerItem' => round($line['price'], 2),
            ];
        }
        if ($coupons !== []) {
            $body['order']['coupons'] = array_map(static fn (string $code) => ['ids' => ['code' => $code]], $coupons);
        }
        if ($userId === null) {
            return $body;
        }
        if ($points > 0) {
            $body['order']['bonusPoints'] = [['amount' => Kopecks::toMoney($points)]];
        }
        return ['customer' => ['ids' => $this->settings->customerIds($userId)]] + $body;
    }

    /**
     * Of `op_create_processed_order` (a guest's `op_create_guest_processed_order`): the order as Mindbox calculated it,
     * with the calculation's promo codes and points.
     *
     * @param array $calculation the calculation's body
     * @param list<array> $lines the calculation's answer lines as the order must repeat them
     * @param int $total the order's total after Mindbox, in kopecks
     */
    public function confirmation(Order $order, string $tempId, array $calculation, array $lines, int $total): array
    {
        $mapped = $this->orders->order($order);
        $body = ['customer' => $mapped['customer'], 'order' => [
            'ids' => $this->temporaryIds($tempId),
            'deliveryCost' => $mapped['order']['deliveryCost'],
            'totalPrice' => Kopecks::toMoney($total),
            'lines' => $lines,
        ]];
        foreach (['email', 'mobilePhone'] as $field) {
            if (isset($mapped['order'][$field])) {
                $body['order'][$field] = $mapped['order'][$field];
            }
        }
        foreach (['coupons', 'bonusPoints'] as $field) {
            if (isset($calculation['order'][$field])) {
                $body['order'][$field] = $calculation['order'][$field];
            }
        }
        return $body;
    }

    /** The cancellation of a confirmation Bitrix did not save (`op_update_order`). */
    public function cancellation(string $tempId): array
    {
        return ['orderLinesStatus' => $this->settings->statusMap()->cancelled(), 'order' => ['ids' => $this->temporaryIds($tempId)]];
    }

    /** The saved order under the temporary id Mindbox confirmed it under, which joins its own id to it. */
    public function linked(Order $order, string $tempId): array
    {
        $body = $this->orders->order($order);
        $body['order']['ids'] = $this->temporaryIds($tempId) + $body['order']['ids'];
        return $body;
    }

    /** An order Mindbox did not confirm, placed at Bitrix's prices (`op_save_offline_order`). */
    public function offline(Order $order): array
    {
        $body = $this->orders->order($order);
        // When the buyer placed it: the outbox may deliver it much later.
        $body['executionDateTimeUtc'] = gmdate('Y-m-d H:i:s');
        return $body;
    }

    private function temporaryIds(string $tempId): array
    {
        return [$this->settings->get('temp_order_id_key') => $tempId];
    }
}
