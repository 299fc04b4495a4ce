<?php

namespace Rustbox\Mindbox\Handlers;

use Bitrix\Main\Context;
use Bitrix\Main\Event;
use Bitrix\Main\HttpRequest;
use Bitrix\Main\Page\Asset;
use Bitrix\Main\Page\AssetLocation;
use Bitrix\Sale\Order as SaleOrder;
use Rustbox\Mindbox\Config\LoyaltyMode;
use Rustbox\Mindbox\Loyalty\Checkout as LoyaltyCheckout;
use Rustbox\Mindbox\Loyalty\CheckoutField;
use Rustbox\Mindbox\Loyalty\Coupons;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Shop\PointsDiscount;
use Rustbox\Mindbox\Shop\Visitor;
use Rustbox\Mindbox\Support\Guard;

/**
 * Points at checkout. sale:OnBeforeSaleOrderFinalAction (D7) comes before the discount engine prices an order: for
 * the order bitrix:sale.order.ajax builds for the logged-in buyer, the points asked for are read there, and the
 * module's cart rule spends them inside the engine. The component's own events (old-kernel dispatch: positional
 * values, arrays by reference) come after the engine: OnSaleComponentOrderCreated keeps each line's points with the
 * line, OnSaleComponentOrderResultPrepared hands the field's state to the page. Older components pass only the first
 * four values, hence the defaults.
 */
final class Checkout
{
    public static function onBeforeSaleOrderFinalAction(Event $event): void
    {
        Guard::run('sale:OnBeforeSaleOrderFinalAction', static function () use ($event): void {
            $order = $event->getParameter('ENTITY');
            if (!$order instanceof SaleOrder || !$order->isNew()) {
                return;
            }
            $settings = Mindbox::settings((string)$order->getSiteId());
            $request = Context::getCurrent()?->getRequest();
            $userId = Visitor::current()->userId();
            if (!$settings->isLoyaltyEnabled() || !Visitor::isPublic($request)) {
                return;
            }
            // The logged-in customer's own order may spend their points; with loyalty processing a guest's order gets
            // Mindbox's promotions and promo codes too.
            $isBuyers = $userId > 0 && $userId === (int)$order->getUserId();
            if ($isBuyers || ($userId === 0 && $settings->loyaltyMode() === LoyaltyMode::Processing)) {
                LoyaltyCheckout::prepare($settings, $order, $userId, $isBuyers ? self::posted($request) : null);
            }
        });
    }

    public static function onSaleComponentOrderCreated($order, &$arUserResult, $request, &$arParams, &$arResult = [], &$arDeliveryServiceAll = [], &$arPaySystemServiceAll = []): void
    {
        Guard::run('sale:OnSaleComponentOrderCreated', static function () use ($order): void {
            $plan = $order instanceof SaleOrder ? LoyaltyCheckout::planOf($order) : null;
            if ($plan !== null) {
                PointsDiscount::record($order->getBasket(), $plan->shares());
            }
        });
    }

    public static function onSaleComponentOrderResultPrepared($order, &$arUserResult, $request, &$arParams, &$arResult = []): void
    {
        Guard::run('sale:OnSaleComponentOrderResultPrepared', static function () use ($order, &$arResult): void {
            $plan = $order instanceof SaleOrder ? LoyaltyCheckout::planOf($order) : null;
            if ($plan === null) {
                return;
            }
            $result = $plan->result();
            if ($result->coupons !== [] && is_array($arResult['JS_DATA']['COUPON_LIST'] ?? null)) {
                $arResult['JS_DATA']['COUPON_LIST'] = Coupons::show($arResult['JS_DATA']['COUPON_LIST'], $result->coupons);
            }
            if (!$plan->isGuest()) {
                $arResult['JS_DATA'][CheckoutField::JS_DATA_KEY] = $result->toJsData();
            }
            // A guest types promo codes too, and the script has them checked; with no block its points box stays hidden.
            Asset::getInstance()->addString(CheckoutField::script(), true, AssetLocation::AFTER_JS);
        });
    }

    /** The checkout's AJAX posts its form as order[…]; a plain form post has the field at the top. */
    private static function posted(mixed $request): mixed
    {
        if (!$request instanceof HttpRequest) {
            return null;
        }
        $form = $request->get('order');
        return is_array($form) && array_key_exists(LoyaltyCheckout::FIELD, $form) ? $form[LoyaltyCheckout::FIELD] : $request->get(LoyaltyCheckout::FIELD);
    }
}
