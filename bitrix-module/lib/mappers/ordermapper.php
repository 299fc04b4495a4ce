<?php

namespace Rustbox\Mindbox\Mappers;

use Bitrix\Sale\BasketItem;
use Bitrix\Sale\Order;
use Rustbox\Mindbox\Settings;

/** A Bitrix order → the Mindbox bodies of its creation, its update and its status change. */
final class OrderMapper
{
    /** Bitrix discounts cannot be named as Mindbox promo actions, so every line discount is reported under this one. */
    public const DISCOUNT_ACTION = 'bitrix-discount';

    private readonly ProductIds $productIds;

    public function __construct(private readonly Settings $settings)
    {
        $this->productIds = new ProductIds($settings);
    }

    /** The body of Website.CreateOrder and of an update of the order's content: the whole order. */
    public function order(Order $order): array
    {
        $body = ['customer' => $this->customer($order), 'order' => ['ids' => $this->settings->orderIds($order->getId())]];
        $body['order'] += array_filter([
            'email' => $body['customer']['email'] ?? null,
            'mobilePhone' => $body['customer']['mobilePhone'] ?? null,
        ]);
        $body['order']['deliveryCost'] = self::money($order->getDeliveryPrice());
        $body['order']['totalPrice'] = self::money($order->getPrice());
        $body['order']['lines'] = $this->lines($order);
        return $body;
    }

    /** The body of a status change: every line of the order moves to the Mindbox status. */
    public function statusChange(Order $order, string $mindboxStatus): array
    {
        return [
            'orderLinesStatus' => $mindboxStatus,
            'order' => ['ids' => $this->settings->orderIds($order->getId())],
        ];
    }

    private function customer(Order $order): array
    {
        $customer = ['ids' => $this->settings->customerIds((int)$order->getUserId())];
        $properties = $order->getPropertyCollection();
        $email = trim((string)$properties->getUserEmail()?->getValue());
        $phone = trim((string)$properties->getPhone()?->getValue());
        if ($email !== '') {
            $customer['email'] = $email;
        }
        if ($phone !== '') {
            $customer['mobilePhone'] = $phone;
        }
        return $customer;
    }

    private function lines(Order $order): array
    {
        $lines = [];
        foreach ($order->getBasket()?->getOrderableItems() ?? [] as $item) {
            $lines[] = $this->line($item, count($lines) + 1);
        }
        return $lines;
    }

    private function line(BasketItem $item, int $lineNumber): array
    {
        $quantity = round((float)$item->getQuantity(), 3);
        $line = [
            'lineNumber' => $lineNumber,
            'lineId' => (string)$item->getId(),
            'product' => ['ids' => $this->productIds->of($item)],
            'quantity' => $quantity,
            'basePricePerItem' => self::money($item->getBasePrice()),
        ];
        $discount = self::money(($item->getBasePrice() - $item->getPrice()) * $quantity);
        if ($discount > 0) {
            $line['discounts'] = [[
                'type' => 'externalPromoAction',
                'externalPromoAction' => ['ids' => ['externalId' => self::DISCOUNT_ACTION]],
                'amount' => $discount,
            ]];
        }
        return $line;
    }

    private static function money(float|int|string|null $value): float
    {
        return round((float)$value, 2);
    }
}
