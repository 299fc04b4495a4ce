<?php

namespace Rustbox\Mindbox\Support;

/**
 * Money and points as whole kopecks (one point is one rouble). Every sum the loyalty code compares, splits or adds is
 * an integer, so no amount drifts by a float's rounding; floats appear only where Bitrix or Mindbox want them.
 */
final class Kopecks
{
    public static function fromMoney(float|int|string|null $money): int
    {
        return (int)round((float)$money * 100);
    }

    /**
     * An amount Mindbox sent, as kopecks, or null when it is not one: only a JSON number or a plain decimal string,
     * finite and small enough to be money ("NaN", "1e400", an array or null are not).
     */
    public static function parse(mixed $money): ?int
    {
        if (is_string($money) && preg_match('/^-?\d{1,15}(\.\d+)?$/D', trim($money)) === 1) {
            $money = (float)$money;
        }
        if (!is_int($money) && !is_float($money)) {
            return null;
        }
        return is_finite((float)$money) && abs((float)$money) < 1e13 ? self::fromMoney($money) : null;
    }

    public static function toMoney(int $kopecks): float
    {
        return $kopecks / 100;
    }

    /** Rounded down to what may be spent with $decimals decimal places: 12345 with 0 decimals is 12300. */
    public static function floorTo(int $kopecks, int $decimals): int
    {
        $step = 10 ** (2 - $decimals);
        return intdiv($kopecks, $step) * $step;
    }

    /** For a message: rounded down, never up, to the decimals the customer may spend, e.g. "1 234.50". */
    public static function format(int $kopecks, int $decimals): string
    {
        return number_format(self::toMoney(self::floorTo($kopecks, $decimals)), $decimals, '.', ' ');
    }
}
