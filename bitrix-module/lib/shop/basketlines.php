<?php

namespace Rustbox\Mindbox\Shop;

use Bitrix\Sale\Basket;
use Bitrix\Sale\BasketItem;
use Bitrix\Sale\Order;

/**
 * The lines of a basket, read without changing it. Basket::getOrderableItems() is no filter: it moves every
 * orderable item into a new basket (and, for an order's basket, into its shipments), so the module walks the items
 * itself, in the basket's SORT order as the core does.
 */
final class BasketLines
{
    /** @return list<BasketItem> what would be bought: available and not put aside */
    public static function orderable(Basket $basket): array
    {
        return self::sorted($basket, static fn (BasketItem $item) => $item->canBuy() && !$item->isDelay());
    }

    /** @return list<BasketItem> the lines an order is made of: its basket's orderable ones */
    public static function ofOrder(Order $order): array
    {
        $basket = $order->getBasket();
        return $basket === null ? [] : self::orderable($basket);
    }

    /** @return list<BasketItem> what the shopper put aside ("delayed"): the wish list */
    public static function putAside(Basket $basket): array
    {
        return self::sorted($basket, static fn (BasketItem $item) => $item->isDelay());
    }

    /** @return list<BasketItem> */
    private static function sorted(Basket $basket, callable $wanted): array
    {
        $items = array_values(array_filter($basket->getBasketItems(), $wanted));
        usort($items, static fn (BasketItem $a, BasketItem $b) => (int)$a->getField('SORT') <=> (int)$b->getField('SORT'));
        return $items;
    }
}
