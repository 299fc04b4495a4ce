<?php

namespace Rustbox\Mindbox\Shop;

use Bitrix\Sale\BasketItem;

/**
 * What changed in a shopper's basket since the basket was last saved. OnSaleBasketSaved fires on every save of a
 * basket without an order, changed or not (sale.order.ajax saves it on every render and refresh), so the lines'
 * own events, which fire only for a changed line and carry the old values of what changed, tell whether the cart
 * and the wish list changed. The save that fires them ends with OnSaleBasketSaved, in the same request.
 */
final class CartChanges
{
    /** The fields of a line that Mindbox's lists show (ID: the line is new). */
    private const CONTENT = ['ID', 'PRODUCT_ID', 'PRODUCT_XML_ID', 'QUANTITY', 'PRICE', 'CAN_BUY', 'DELAY'];

    /** @var array<int, array{cart: bool, wishList: bool}> by shopper (FUSER_ID) */
    private static array $pending = [];

    /** A line was saved; $old holds the old values of the fields this save changed. */
    public static function saved(BasketItem $item, array $old): void
    {
        if (array_intersect(self::CONTENT, array_keys($old)) === []) {
            return;
        }
        $isNew = array_key_exists('ID', $old) && (int)$old['ID'] === 0;
        $was = static fn (string $field) => array_key_exists($field, $old) ? $old[$field] : $item->getField($field);
        $wasInCart = !$isNew && $was('CAN_BUY') === 'Y' && $was('DELAY') !== 'Y';
        $wasPutAside = !$isNew && $was('DELAY') === 'Y';
        self::note($item, $wasInCart || ($item->canBuy() && !$item->isDelay()), $wasPutAside || $item->isDelay());
    }

    public static function deleted(BasketItem $item): void
    {
        self::note($item, $item->canBuy() && !$item->isDelay(), $item->isDelay());
    }

    /**
     * What changed for the shopper since the last call, which forgets it.
     *
     * @return array{cart: bool, wishList: bool}
     */
    public static function take(int $fuserId): array
    {
        $changes = self::$pending[$fuserId] ?? ['cart' => false, 'wishList' => false];
        unset(self::$pending[$fuserId]);
        return $changes;
    }

    private static function note(BasketItem $item, bool $cart, bool $wishList): void
    {
        // A line of an order belongs to the order, not to the shopper's lists.
        if ((int)$item->getField('ORDER_ID') > 0) {
            return;
        }
        $fuserId = (int)$item->getField('FUSER_ID');
        $pending = self::$pending[$fuserId] ?? ['cart' => false, 'wishList' => false];
        self::$pending[$fuserId] = ['cart' => $pending['cart'] || $cart, 'wishList' => $pending['wishList'] || $wishList];
    }
}
