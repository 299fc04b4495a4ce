<?php

namespace Rustbox\Mindbox\Handlers;

use Bitrix\Main\Event;
use Bitrix\Sale\Basket as SaleBasket;
use Bitrix\Sale\BasketItem;
use Bitrix\Sale\Fuser;
use Rustbox\Mindbox\Config\Operation;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Mappers\CartMapper;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Outbox\Dispatcher;
use Rustbox\Mindbox\Shop\CartChanges;
use Rustbox\Mindbox\Shop\Customers;
use Rustbox\Mindbox\Shop\Visitor;
use Rustbox\Mindbox\Support\Guard;

/**
 * The shopper's basket, saved without an order (sale D7 events, registered with registerEventHandler). The lines'
 * events say what changed; OnSaleBasketSaved, which ends every save, sends the lists that changed, and nothing when
 * nothing did.
 */
final class Basket
{
    /** sale:OnSaleBasketItemEntitySaved: a line was written; VALUES holds the old values of what changed. */
    public static function onSaleBasketItemEntitySaved(Event $event): void
    {
        Guard::run('sale:OnSaleBasketItemEntitySaved', static function () use ($event): void {
            $item = $event->getParameter('ENTITY');
            if ($item instanceof BasketItem) {
                CartChanges::saved($item, (array)($event->getParameter('VALUES') ?? []));
            }
        });
    }

    /** sale:OnSaleBasketItemEntityDeleted: a line was removed; the basket's save deletes its row. */
    public static function onSaleBasketItemEntityDeleted(Event $event): void
    {
        Guard::run('sale:OnSaleBasketItemEntityDeleted', static function () use ($event): void {
            $item = $event->getParameter('ENTITY');
            if ($item instanceof BasketItem) {
                CartChanges::deleted($item);
            }
        });
    }

    public static function onSaleBasketSaved(Event $event): void
    {
        Guard::run('sale:OnSaleBasketSaved', static function () use ($event): void {
            $basket = $event->getParameter('ENTITY');
            if (!$basket instanceof SaleBasket || $basket->getOrder() !== null) {
                return;
            }
            $fuserId = (int)$basket->getFUserId(true);
            $changes = CartChanges::take($fuserId);
            if (!$changes['cart'] && !$changes['wishList']) {
                return;
            }
            $userId = $fuserId > 0 ? (int)Fuser::getUserIdById($fuserId) : 0;
            $customerId = Customers::isCustomerId($userId) ? $userId : null;
            $settings = Mindbox::settings((string)$basket->getSiteId());
            $mapper = new CartMapper($settings);
            if ($changes['cart']) {
                self::send(Operation::SetCart, $settings, $mapper->cart($basket, $customerId), $customerId, 'cart-' . $fuserId);
            }
            if ($changes['wishList']) {
                self::send(Operation::SetWishList, $settings, $mapper->wishList($basket, $customerId), $customerId, 'wishlist-' . $fuserId);
            }
        });
    }

    private static function send(Operation $operation, Settings $settings, array $body, ?int $customerId, string $orderingKey): void
    {
        if ($customerId === null && Visitor::current()->deviceUuid() === null) {
            return; // a guest whose tracker cookie is missing cannot be told apart by Mindbox
        }
        // Each list operation replaces the whole list, so the saves of one basket must arrive in the order they happened.
        Dispatcher::send($operation, $settings, $body, ['orderingKey' => $orderingKey]);
    }
}
