<?php

namespace Rustbox\Mindbox\Loyalty;

use Bitrix\Main\Config\Option;
use Bitrix\Main\Localization\Loc;

Loc::loadMessages(__FILE__);

/**
 * One buyer's points at one checkout hit: what they asked for, what they have, and what the last run of the discount
 * engine spent on which line. Each run starts again from the lines as the engine hands them over (after the shop's
 * own cart rules), so repeated runs come to the same result.
 */
final class CheckoutPlan
{
    /** @var array<string, int> kopecks spent on each line, by basket code, in the engine's last run */
    private array $shares = [];
    private int $spent = 0;
    private ?string $message = null;

    public function __construct(private readonly PointsInput $requested, private readonly ?int $balance, private readonly int $decimals)
    {
        $this->message = match (true) {
            $requested->error !== null => self::message($requested->error, ['#DECIMALS#' => $decimals]),
            $balance === null => self::message('UNAVAILABLE'),
            default => null,
        };
    }

    /** Spends the points on the order's lines in $arOrder, lowering each line's PRICE and raising its DISCOUNT_PRICE. */
    public function spendOn(array &$arOrder): void
    {
        $this->shares = [];
        $this->spent = 0;
        if ($this->requested->error !== null || $this->balance === null || $this->requested->kopecks === 0) {
            return;
        }
        $precision = self::precision();
        $lines = [];
        foreach ($arOrder['BASKET_ITEMS'] ?? [] as $code => $row) {
            // A custom price is the shop's own decision, which the engine and this rule leave alone.
            if (($row['CUSTOM_PRICE'] ?? 'N') !== 'Y') {
                $lines[(string)$code] = ['total' => Kopecks::fromMoney((float)$row['PRICE'] * (float)$row['QUANTITY']), 'quantity' => (float)$row['QUANTITY']];
            }
        }
        $usable = Kopecks::floorTo($this->balance, $this->decimals);
        $allowed = Kopecks::floorTo(array_sum(array_column($lines, 'total')), $this->decimals);
        $target = min($this->requested->kopecks, $usable, $allowed);
        $shares = $target > 0 ? Allocation::spread($lines, $target, $precision) : [];
        // Whole points stay whole: a kopeck no line could take lowers the points to the next whole number.
        while (($spent = array_sum($shares)) !== Kopecks::floorTo($spent, $this->decimals)) {
            $shares = Allocation::spread($lines, Kopecks::floorTo($spent, $this->decimals), $precision);
        }
        foreach ($shares as $code => $share) {
            $perUnit = round($share / 100 / $lines[$code]['quantity'], $precision);
            $arOrder['BASKET_ITEMS'][$code]['PRICE'] = round((float)$arOrder['BASKET_ITEMS'][$code]['PRICE'] - $perUnit, $precision);
            $arOrder['BASKET_ITEMS'][$code]['DISCOUNT_PRICE'] = round((float)($arOrder['BASKET_ITEMS'][$code]['DISCOUNT_PRICE'] ?? 0) + $perUnit, $precision);
        }
        $this->shares = $shares;
        $this->spent = $spent;
        $amounts = [
            '#SPENT#' => Kopecks::format($spent, $this->decimals),
            '#BALANCE#' => Kopecks::format($usable, $this->decimals),
            '#MAX#' => Kopecks::format($allowed, $this->decimals),
        ];
        $this->message = match (true) {
            $spent === $this->requested->kopecks => null,
            $target === $this->requested->kopecks => self::message('CLAMPED_LINES', $amounts),
            $usable <= $allowed => self::message('CLAMPED_BALANCE', $amounts),
            default => self::message('CLAMPED_ORDER', $amounts),
        };
    }

    /** @return array<string, int> kopecks spent on each line, by basket code */
    public function shares(): array
    {
        return $this->shares;
    }

    public function result(): CheckoutResult
    {
        return new CheckoutResult($this->balance, $this->requested->raw, $this->spent, $this->message, $this->decimals);
    }

    /** The decimals Bitrix rounds prices to (sale option value_precision, as PriceMaths reads it). */
    private static function precision(): int
    {
        $precision = (int)Option::get('sale', 'value_precision', '2');
        return $precision < 0 ? 2 : $precision;
    }

    private static function message(string $code, array $replace = []): string
    {
        if ($code === PointsInput::TOO_MANY_DECIMALS && ($replace['#DECIMALS#'] ?? 0) === 0) {
            $code = 'WHOLE_ONLY';
        }
        return (string)Loc::getMessage('RUSTBOX_MINDBOX_POINTS_' . $code, $replace);
    }
}
