<?php

namespace Rustbox\Mindbox\Loyalty;

use Bitrix\Main\Localization\Loc;
use Bitrix\Sale\Basket;
use Bitrix\Sale\BasketItem;

Loc::loadMessages(__FILE__);

/**
 * Points spent as a discount on an order's basket lines (bitrix.md 4.10, the per-line custom price): each line's
 * price drops by its share, CUSTOM_PRICE keeps the cart rules and provider refreshes from undoing it, and the core
 * recomputes the order's PRICE from the lines, so the order, the checkout's totals and the saved order agree.
 *
 * Each line also keeps its share in a basket property, because a line's discount alone cannot tell the shop's own
 * discounts from points, and the order sent to Mindbox, now and on every later update, must tell them apart.
 */
final class PointsDiscount
{
    public const PROPERTY_CODE = 'RUSTBOX_MINDBOX_POINTS';

    /** The most points the lines can take: what they cost after the shop's own discounts, delivery not included. */
    public static function capacity(Basket $basket): int
    {
        return array_sum(array_map(self::lineTotal(...), self::lines($basket)));
    }

    /**
     * Spends $points (kopecks, at most capacity()) on the lines in proportion to their totals, each share rounded
     * down and the rest on the last line, so that the shares add up to exactly $points.
     */
    public static function apply(Basket $basket, int $points): void
    {
        $lines = self::lines($basket);
        $totals = array_map(self::lineTotal(...), $lines);
        foreach (self::split($totals, $points) as $i => $share) {
            if ($share > 0) {
                self::discount($lines[$i], $totals[$i] - $share, $share);
            }
        }
    }

    /** The points spent on a line, in kopecks. */
    public static function spentOn(BasketItem $item): int
    {
        $value = $item->getPropertyCollection()->getPropertyValues()[self::PROPERTY_CODE]['VALUE'] ?? null;
        return is_numeric($value) ? Kopecks::fromMoney($value) : 0;
    }

    /**
     * Shares of $points over lines of $totals (kopecks). Each share is taken from what is left in proportion to what
     * is left, which keeps every share within its line however the kopecks fall, and leaves the rest to the last.
     *
     * @param list<int> $totals
     * @return list<int>
     */
    private static function split(array $totals, int $points): array
    {
        $shares = [];
        $leftPoints = $points;
        $leftTotal = array_sum($totals);
        foreach ($totals as $i => $total) {
            $share = $i === array_key_last($totals) || $leftTotal === 0
                ? $leftPoints
                : intdiv($leftPoints * $total, $leftTotal);
            $shares[] = $share;
            $leftPoints -= $share;
            $leftTotal -= $total;
        }
        return $shares;
    }

    /**
     * Bitrix keeps prices per unit (four decimals in the database) and rounds line totals to kopecks, so a unit
     * price of (line total − share) / quantity gives back the intended line total.
     */
    private static function discount(BasketItem $item, int $newTotal, int $share): void
    {
        $quantity = (float)$item->getQuantity();
        $price = round(Kopecks::toMoney($newTotal) / $quantity, 4);
        $item->setField('CUSTOM_PRICE', 'Y');
        $item->setField('DISCOUNT_PRICE', round((float)$item->getBasePrice() - $price, 4));
        $item->setField('PRICE', $price);
        $item->getPropertyCollection()->createItem()->setFields([
            'NAME' => (string)Loc::getMessage('RUSTBOX_MINDBOX_POINTS_PROPERTY'),
            'CODE' => self::PROPERTY_CODE,
            'VALUE' => number_format(Kopecks::toMoney($share), 2, '.', ''),
            'SORT' => 1000,
        ]);
    }

    /** @return list<BasketItem> the lines that are bought: not put aside, available */
    private static function lines(Basket $basket): array
    {
        $lines = [];
        foreach ($basket->getOrderableItems() as $item) {
            $lines[] = $item;
        }
        return $lines;
    }

    private static function lineTotal(BasketItem $item): int
    {
        return Kopecks::fromMoney((float)$item->getPrice() * (float)$item->getQuantity());
    }
}
