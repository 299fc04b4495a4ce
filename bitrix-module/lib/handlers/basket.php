<?php

namespace Rustbox\Mindbox\Handlers;

use Bitrix\Main\Event;
use Bitrix\Sale\Basket as SaleBasket;
use Bitrix\Sale\Fuser;
use Rustbox\Mindbox\Dispatcher;
use Rustbox\Mindbox\Guard;
use Rustbox\Mindbox\Mappers\CartMapper;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Operation;
use Rustbox\Mindbox\Visitor;

/** sale:OnSaleBasketSaved (registered with registerEventHandler): the shopper's cart, saved without an order. */
final class Basket
{
    public static function onSaleBasketSaved(Event $event): void
    {
        Guard::run('sale:OnSaleBasketSaved', static function () use ($event): void {
            $basket = $event->getParameter('ENTITY');
            if (!$basket instanceof SaleBasket || $basket->getOrder() !== null) {
                return;
            }
            $fuserId = (int)$basket->getFUserId(true);
            $userId = $fuserId > 0 ? (int)Fuser::getUserIdById($fuserId) : 0;
            $options = Visitor::current()->optionsFor(Operation::SetCart);
            if ($userId <= 0 && !isset($options['deviceUUID'])) {
                return; // a guest whose tracker cookie is missing cannot be told apart by Mindbox
            }
            // SetCart replaces the whole list, so the saves of one basket must arrive in the order they happened.
            $options['orderingKey'] = 'cart-' . $fuserId;
            $settings = Mindbox::settings((string)$basket->getSiteId());
            $body = (new CartMapper($settings))->cart($basket, $userId > 0 ? $userId : null);
            Dispatcher::send(Operation::SetCart, $settings, $body, $options);
        });
    }
}
