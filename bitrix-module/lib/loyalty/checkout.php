<?php

namespace Rustbox\Mindbox\Loyalty;

use Bitrix\Main\Localization\Loc;
use Bitrix\Sale\Order;
use Rustbox\Mindbox\Settings;

Loc::loadMessages(__FILE__);

/**
 * The "use points" field of the standard checkout: the points asked for are checked against a fresh balance and
 * the order, clamped when there are too many, refused when they are not a number of points, and spent on the
 * order's lines. Mindbox being slow or down costs the points, never the order.
 */
final class Checkout
{
    /** The field's name in the checkout form (posted by its AJAX as order[RUSTBOX_MINDBOX_POINTS]). */
    public const FIELD = 'RUSTBOX_MINDBOX_POINTS';

    /** @var \WeakMap<Order, CheckoutResult>|null the result of each order the checkout built in this request */
    private static ?\WeakMap $results = null;

    /** Spends the points asked for on $order (unsaved, built by the checkout for the logged-in $userId). */
    public static function apply(Settings $settings, Order $order, int $userId, mixed $input): CheckoutResult
    {
        $decimals = $settings->pointsDecimals();
        $requested = PointsInput::parse($input, $decimals);
        $balance = Balance::of($settings, $userId);
        $spent = 0;
        $message = null;
        if ($requested->error !== null) {
            $message = self::message($requested->error, ['#DECIMALS#' => $decimals]);
        } elseif ($balance === null) {
            $message = self::message('UNAVAILABLE');
        } elseif ($requested->kopecks > 0) {
            $usable = Kopecks::floorTo($balance, $decimals);
            $allowed = Kopecks::floorTo(PointsDiscount::capacity($order->getBasket()), $decimals);
            $spent = min($requested->kopecks, $usable, $allowed);
            $clamped = $spent !== $requested->kopecks;
            if ($spent > 0) {
                $spent = PointsDiscount::apply($order->getBasket(), $spent);
            }
            $amounts = [
                '#SPENT#' => Kopecks::format($spent, $decimals),
                '#BALANCE#' => Kopecks::format($usable, $decimals),
                '#MAX#' => Kopecks::format($allowed, $decimals),
            ];
            $message = match (true) {
                !$clamped && $spent === $requested->kopecks => null,
                $clamped && $usable <= $allowed => self::message('CLAMPED_BALANCE', $amounts),
                default => self::message('CLAMPED_ORDER', $amounts),
            };
        }
        $result = new CheckoutResult($balance, $requested->raw, $spent, $message, $decimals);
        self::$results ??= new \WeakMap();
        self::$results[$order] = $result;
        return $result;
    }

    /** The result apply() came to for an order of this request, null when it did not run for it. */
    public static function resultOf(Order $order): ?CheckoutResult
    {
        return self::$results[$order] ?? null;
    }

    private static function message(string $code, array $replace = []): string
    {
        if ($code === PointsInput::TOO_MANY_DECIMALS && ($replace['#DECIMALS#'] ?? 0) === 0) {
            $code = 'WHOLE_ONLY';
        }
        return (string)Loc::getMessage('RUSTBOX_MINDBOX_POINTS_' . $code, $replace);
    }
}
