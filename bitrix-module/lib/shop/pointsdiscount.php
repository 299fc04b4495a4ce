<?php

namespace Rustbox\Mindbox\Shop;

use Bitrix\Main\Localization\Loc;
use Bitrix\Sale\Basket;
use Bitrix\Sale\BasketItem;
use Rustbox\Mindbox\Support\Kopecks;

Loc::loadMessages(__FILE__);

/**
 * The points spent on each line of an order, kept in a basket property of the line. The discount engine records only
 * a line's whole discount, which cannot tell the shop's own discounts from points; the order sent to Mindbox, now and
 * on every later update, must tell them apart.
 */
final class PointsDiscount
{
    public const PROPERTY_CODE = 'RUSTBOX_MINDBOX_POINTS';

    /** The points spent on a line, in kopecks. */
    public static function spentOn(BasketItem $item): int
    {
        $value = $item->getPropertyCollection()->getPropertyValues()[self::PROPERTY_CODE]['VALUE'] ?? null;
        return is_numeric($value) ? Kopecks::fromMoney($value) : 0;
    }

    /**
     * Writes each line's points (kopecks by basket code) into its property, and takes the property off lines that no
     * longer carry points.
     *
     * @param array<string, int> $shares
     */
    public static function record(Basket $basket, array $shares): void
    {
        foreach ($basket->getBasketItems() as $item) {
            $share = $shares[(string)$item->getBasketCode()] ?? 0;
            $property = self::property($item);
            if ($share <= 0) {
                $property?->delete();
                continue;
            }
            ($property ?? $item->getPropertyCollection()->createItem())->setFields([
                'NAME' => (string)Loc::getMessage('RUSTBOX_MINDBOX_POINTS_PROPERTY'),
                'CODE' => self::PROPERTY_CODE,
                'VALUE' => number_format(Kopecks::toMoney($share), 2, '.', ''),
                'SORT' => 1000,
            ]);
        }
    }

    private static function property(BasketItem $item): ?object
    {
        foreach ($item->getPropertyCollection() as $property) {
            if ($property->getField('CODE') === self::PROPERTY_CODE) {
                return $property;
            }
        }
        return null;
    }
}
