<?php

namespace Rustbox\Mindbox\Mappers;

use Bitrix\Sale\Basket;
use Rustbox\Mindbox\Settings;

/** A shopper's basket → the body of Website.SetCart, which replaces the whole product list in Mindbox. */
final class CartMapper
{
    private readonly ProductIds $productIds;

    public function __construct(private readonly Settings $settings)
    {
        $this->productIds = new ProductIds($settings);
    }

    /** @param int|null $userId the basket owner's user id, null for a guest (known to Mindbox by deviceUUID only) */
    public function cart(Basket $basket, ?int $userId): array
    {
        $body = [];
        if ($userId !== null && $userId > 0) {
            $body['customer'] = ['ids' => $this->settings->customerIds($userId)];
        }
        $body['productList'] = [];
        // Delayed ("wish list") and unavailable items are not in the cart the shopper would check out.
        foreach ($basket->getOrderableItems() as $item) {
            $body['productList'][] = [
                'product' => ['ids' => $this->productIds->of($item)],
                'count' => round((float)$item->getQuantity(), 3),
                'pricePerItem' => round((float)$item->getPrice(), 2),
            ];
        }
        return $body;
    }
}
