<?php

namespace Rustbox\Mindbox\Mappers;

use Bitrix\Sale\Order;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Config\StatusMap;
use Rustbox\Mindbox\Shop\BasketLines;

/**
 * An order → its rows of Mindbox's orders import (RetailOrder.Import), one per line, by the live sync's rules: the
 * order's and the buyer's ids (OrderMapper::buyer(): a customer by id, anyone else by the order's e-mail and phone),
 * the lines an order is made of (BasketLines::ofOrder()) with the feed's product ids (ProductIds), each line at its
 * final price (after every discount, points included) and the order's total as Bitrix has it, every line in the
 * order's Mindbox status (StatusMap::ofOrder(): a cancelled order's lines cancelled). Money, quantities and the phone
 * go as the extension's column kinds.
 */
final class OrderRows
{
    private readonly OrderMapper $orders;
    private readonly ProductIds $productIds;
    private readonly StatusMap $statusMap;

    public function __construct(
        private readonly Settings $settings,
        private readonly string $dateFormat,
        private readonly string $pointOfContact,
    ) {
        $this->orders = new OrderMapper($settings);
        $this->productIds = new ProductIds($settings);
        $this->statusMap = $settings->statusMap();
    }

    /** @return array<string, string> column => the writer's kind */
    public function columns(): array
    {
        $ids = self::prefixed('OrderIds', $this->settings->orderIds(0)) + self::prefixed('CustomerIds', $this->settings->customerIds(0));
        $columns = array_fill_keys(array_keys($ids), 'text') + ['CustomerEmail' => 'email', 'CustomerMobilePhone' => 'phone', 'OrderCreationDateTimeUtc' => 'text',
            'OrderLastUpdateDateTimeUtc' => 'text', 'PointOfContact' => 'text', 'OrderTotalPrice' => 'money',
            'OrderDeliveryCost' => 'money'];
        $columns['OrderLineProductIds' . $this->settings->productIdKey()] = 'text';
        return $columns + ['OrderLineQuantity' => 'quantity', 'OrderLinePriceOfLine' => 'money', 'OrderLineStatus' => 'text', 'OrderLineId' => 'text'];
    }

    /**
     * @return list<array<string, scalar|null>> by column; none for an order without a line to buy
     * @throws \UnexpectedValueException the order's status has no Mindbox status in the status map
     */
    public function rows(Order $order): array
    {
        $lines = BasketLines::ofOrder($order);
        if ($lines === []) {
            return [];
        }
        $status = $this->statusMap->ofOrder($order->isCanceled(), (string)$order->getField('STATUS_ID'));
        if ($status === null) {
            throw new \UnexpectedValueException(sprintf('Order %d: status "%s" has no Mindbox status in the status map (status_map)',
                $order->getId(), $order->getField('STATUS_ID')));
        }
        $buyer = $this->orders->buyer($order, false);
        $head = array_map('strval', self::prefixed('OrderIds', $this->settings->orderIds($order->getId())) + self::prefixed('CustomerIds', $buyer['ids'] ?? []));
        $head += [
            'CustomerEmail' => $buyer['email'] ?? null,
            'CustomerMobilePhone' => $buyer['mobilePhone'] ?? null,
            'OrderCreationDateTimeUtc' => UtcTime::format($order->getField('DATE_INSERT'), $this->dateFormat),
            'OrderLastUpdateDateTimeUtc' => UtcTime::format($order->getField('DATE_UPDATE'), $this->dateFormat),
            'PointOfContact' => $this->pointOfContact,
            'OrderTotalPrice' => (float)$order->getPrice(),
            'OrderDeliveryCost' => (float)$order->getDeliveryPrice(),
        ];
        $rows = [];
        foreach ($lines as $item) {
            $rows[] = $head + self::prefixed('OrderLineProductIds', $this->productIds->of($item)) + [
                'OrderLineQuantity' => (float)$item->getQuantity(),
                'OrderLinePriceOfLine' => (float)$item->getFinalPrice(),
                'OrderLineStatus' => $status,
                'OrderLineId' => (string)$item->getId(),
            ];
        }
        return $rows;
    }

    /** Mindbox names an id column by the entity and the id's system name: OrderIdswebsiteID. */
    private static function prefixed(string $prefix, array $ids): array
    {
        $columns = [];
        foreach ($ids as $name => $value) {
            $columns[$prefix . $name] = $value;
        }
        return $columns;
    }
}
