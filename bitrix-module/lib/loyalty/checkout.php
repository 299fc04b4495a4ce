<?php

namespace Rustbox\Mindbox\Loyalty;

use Bitrix\Sale\Order;
use Rustbox\Mindbox\Config\LoyaltyMode;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Support\Guard;

/**
 * The "use points" field of the standard checkout. Before the discount engine prices the order the checkout builds
 * for the logged-in buyer, the points asked for are read and the balance asked for (once per request); the engine
 * then runs the module's cart rule, which spends them on the lines (CheckoutPlan::spendOn), so the lines, the
 * subtotal, the total, the payment and the saved order all come from the one calculation. Mindbox being slow or down
 * costs the points, never the order.
 */
final class Checkout
{
    /** The field's name in the checkout form (posted by its AJAX as order[RUSTBOX_MINDBOX_POINTS]). */
    public const FIELD = 'RUSTBOX_MINDBOX_POINTS';

    /**
     * The buyer's checkout of this request, by site and the order's user (a guest's order belongs to the shop's
     * anonymous buyer). The component builds the order anew on every hit and
     * runs the engine several times on it, so a plan is made once and reused by each run.
     *
     * @var array<string, CheckoutPlan>
     */
    private static array $plans = [];

    /** @param int $userId the logged-in buyer, 0 for a guest */
    public static function prepare(Settings $settings, Order $order, int $userId, mixed $input): void
    {
        self::$plans[self::key((string)$order->getSiteId(), (int)$order->getUserId())] ??= new CheckoutPlan(
            $settings,
            $order,
            $userId,
            PointsInput::parse($input, $settings->pointsDecimals()),
            $settings->loyaltyMode() === LoyaltyMode::Processing ? Coupons::entered() : [],
        );
    }

    /**
     * The cart rule's action, in each run of the engine: the points of the plan of the new order in $arOrder.
     * Whatever goes wrong inside the engine costs the points, never the checkout.
     */
    public static function spendOn(array &$arOrder): void
    {
        if ((int)($arOrder['ID'] ?? 0) !== 0) {
            return;
        }
        $plan = self::$plans[self::key((string)($arOrder['SITE_ID'] ?? ''), (int)($arOrder['USER_ID'] ?? 0))] ?? null;
        Guard::run('sale:cart rule', static function () use ($plan, &$arOrder): void {
            $plan?->spendOn($arOrder);
        });
    }

    /** The plan of a checkout's order of this request, null when the buyer's checkout did not make one for it. */
    public static function planOf(Order $order): ?CheckoutPlan
    {
        return $order->isNew() ? self::$plans[self::key((string)$order->getSiteId(), (int)$order->getUserId())] ?? null : null;
    }

    private static function key(string $siteId, int $userId): string
    {
        return $siteId . '|' . $userId;
    }
}
