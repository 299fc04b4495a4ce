<?php

namespace Rustbox\Mindbox\Handlers;

use Bitrix\Main\HttpRequest;
use Bitrix\Main\Page\Asset;
use Bitrix\Main\Page\AssetLocation;
use Bitrix\Sale\Order as SaleOrder;
use Rustbox\Mindbox\Guard;
use Rustbox\Mindbox\Loyalty\Checkout as LoyaltyCheckout;
use Rustbox\Mindbox\Loyalty\CheckoutField;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Visitor;

/**
 * The events of bitrix:sale.order.ajax (old-kernel dispatch: positional values, arrays by reference). The component
 * fires OnSaleComponentOrderCreated on every render, recalculation and save, after it built the order and before it
 * reads its totals or saves it: the one place where points spent on the lines reach the totals shown and the saved
 * order alike. Older components pass only the first four values, hence the defaults.
 */
final class Checkout
{
    public static function onSaleComponentOrderCreated($order, &$arUserResult, $request, &$arParams, &$arResult = [], &$arDeliveryServiceAll = [], &$arPaySystemServiceAll = []): void
    {
        Guard::run('sale:OnSaleComponentOrderCreated', static function () use ($order, $request, &$arUserResult): void {
            if (!$order instanceof SaleOrder) {
                return;
            }
            $settings = Mindbox::settings((string)$order->getSiteId());
            $userId = Visitor::current()->userId();
            // Only the logged-in customer's own order may spend their points.
            if (!$settings->isLoyaltyEnabled() || $userId <= 0 || $userId !== (int)$order->getUserId()) {
                return;
            }
            $result = LoyaltyCheckout::apply($settings, $order, $userId, self::posted($request));
            if ($result->spent > 0) {
                // The component set the payment's sum before this event; this asks it to set it again from the
                // order's new total (and to recalculate the delivery), after the event.
                $arUserResult['CALCULATE_PAYMENT'] = true;
            }
        });
    }

    public static function onSaleComponentOrderResultPrepared($order, &$arUserResult, $request, &$arParams, &$arResult = []): void
    {
        Guard::run('sale:OnSaleComponentOrderResultPrepared', static function () use ($order, &$arResult): void {
            $result = $order instanceof SaleOrder ? LoyaltyCheckout::resultOf($order) : null;
            if ($result === null) {
                return;
            }
            $arResult['JS_DATA'][CheckoutField::JS_DATA_KEY] = $result->toJsData();
            Asset::getInstance()->addString(CheckoutField::script(), true, AssetLocation::AFTER_JS);
        });
    }

    /** The checkout's AJAX posts its form as order[…]; a plain form post has the field at the top. */
    private static function posted($request): mixed
    {
        if (!$request instanceof HttpRequest) {
            return null;
        }
        $form = $request->get('order');
        return is_array($form) && array_key_exists(LoyaltyCheckout::FIELD, $form) ? $form[LoyaltyCheckout::FIELD] : $request->get(LoyaltyCheckout::FIELD);
    }
}
