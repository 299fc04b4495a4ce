<?php

namespace Rustbox\Mindbox\Loyalty;

use Bitrix\Main\Localization\Loc;
use Bitrix\Sale\Basket;
use Bitrix\Sale\BasketItem;
use Rustbox\Mindbox\Mappers\BasketLines;

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
     * down and the rest on the last line. The core rounds a line's unit price to the shop's precision, so a share
     * that a line cannot take to the kopeck (quantities above 1) leaves the difference to the next lines.
     *
     * @return int the points spent, in kopecks: $points unless the last line could not take its exact share
     */
    public static function apply(Basket $basket, int $points): int
    {
        $lines = self::lines($basket);
        $totals = array_map(self::lineTotal(...), $lines);
        $spent = 0;
        $carry = 0;
        foreach (self::split($totals, $points) as $i => $share) {
            $share = max(0, min($totals[$i], $share + $carry));
            $taken = $share > 0 ? self::discount($lines[$i], $totals[$i], $share) : 0;
            $carry = $share - $taken;
            $spent += $taken;
        }
        return $spent;
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
     * Sets the unit price that brings the line closest to (total − share); the core rounds it (PriceMaths, sale
     * option value_precision), so the points the line actually took are read back from the price it kept.
     *
     * @return int the kopecks the line took
     */
    private static function discount(BasketItem $item, int $total, int $share): int
    {
        $quantity = (float)$item->getQuantity();
        $item->setField('CUSTOM_PRICE', 'Y');
        $item->setField('PRICE', Kopecks::toMoney($total - $share) / $quantity);
        $item->setField('DISCOUNT_PRICE', (float)$item->getBasePrice() - (float)$item->getPrice());
        $taken = $total - self::lineTotal($item);
        $item->getPropertyCollection()->createItem()->setFields([
            'NAME' => (string)Loc::getMessage('RUSTBOX_MINDBOX_POINTS_PROPERTY'),
            'CODE' => self::PROPERTY_CODE,
            'VALUE' => number_format(Kopecks::toMoney($taken), 2, '.', ''),
            'SORT' => 1000,
        ]);
        return $taken;
    }

    /** @return list<BasketItem> the lines that are bought: not put aside, available */
    private static function lines(Basket $basket): array
    {
        return BasketLines::orderable($basket);
    }

    private static function lineTotal(BasketItem $item): int
    {
        return Kopecks::fromMoney((float)$item->getPrice() * (float)$item->getQuantity());
    }
}
