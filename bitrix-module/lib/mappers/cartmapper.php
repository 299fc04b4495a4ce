<?php

namespace Rustbox\Mindbox\Mappers;

use Bitrix\Sale\Basket;
use Bitrix\Sale\BasketItem;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Shop\BasketLines;

/**
 * A shopper's basket → the bodies of Website.SetCart (what would be bought) and Website.SetWishList (what was put
 * aside); each replaces the whole list in Mindbox.
 */
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
        return $this->productList(BasketLines::orderable($basket), $userId);
    }

    public function wishList(Basket $basket, ?int $userId): array
    {
        return $this->productList(BasketLines::putAside($basket), $userId);
    }

    /** @param list<BasketItem> $items */
    private function productList(array $items, ?int $userId): array
    {
        $body = [];
        if ($userId !== null && $userId > 0) {
            $body['customer'] = ['ids' => $this->settings->customerIds($userId)];
        }
        $body['productList'] = [];
        foreach ($items as $item) {
            $body['productList'][] = [
                'product' => ['ids' => $this->productIds->of($item)],
                'count' => (float)$item->getQuantity(),
                'pricePerItem' => (float)$item->getPrice(),
            ];
        }
        return $body;
    }
}
