<?php

namespace Rustbox\Mindbox\Loyalty;

use Bitrix\Main\Config\Option;
use Bitrix\Main\Localization\Loc;
use Bitrix\Sale\Order;
use Rustbox\Mindbox\Config\LoyaltyMode;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Mappers\ProcessingMapper;
use Rustbox\Mindbox\Support\Kopecks;

Loc::loadMessages(__FILE__);

/**
 * One buyer's checkout at one hit, as the discount engine's rule applies it to the order's lines: in `standard` mode
 * the points asked for, checked against the balance and spent in proportion; in `processing` mode Mindbox's
 * calculation of the cart (its promotions, the promo codes, the points), each line brought to Mindbox's price. Each
 * run of the engine starts again from the lines as it hands them over (after the shop's own cart rules), so repeated
 * runs come to the same result, and Mindbox is asked once per distinct cart in a request.
 */
final class CheckoutPlan
{
    /** @var array<string, int> kopecks spent on each line, by basket code, in the engine's last run */
    private array $shares = [];
    private int $spent = 0;
    private ?string $message = null;
    private ?int $balance = null;
    private bool $balanceKnown = false;
    /** @var array<string, CartCalculation|null> calculations of this request, by request body */
    private array $calculations = [];
    private ?CartCalculation $calculation = null;

    /**
     * @param int $userId the logged-in buyer, 0 for a guest (processing mode only: Mindbox's promotions and promo codes,
     *        no points)
     * @param list<string> $coupons promo codes entered at checkout that Bitrix does not know
     */
    public function __construct(
        private readonly Settings $settings,
        private readonly Order $order,
        private readonly int $userId,
        private readonly PointsInput $requested,
        private readonly array $coupons,
    ) {
        if ($requested->error !== null) {
            $this->message = self::message($requested->error, ['#DECIMALS#' => $settings->pointsDecimals()]);
        }
    }

    /** Brings the lines of $arOrder to what the buyer pays: lowers PRICE and raises DISCOUNT_PRICE of each line. */
    public function spendOn(array &$arOrder): void
    {
        $this->shares = [];
        $this->spent = 0;
        $lines = [];
        foreach ($arOrder['BASKET_ITEMS'] ?? [] as $code => $row) {
            // A custom price is the shop's own decision, which the engine and this rule leave alone.
            if (($row['CUSTOM_PRICE'] ?? 'N') !== 'Y') {
                $lines[(string)$code] = ['total' => Kopecks::fromMoney((float)$row['PRICE'] * (float)$row['QUANTITY']), 'quantity' => (float)$row['QUANTITY'], 'price' => (float)$row['PRICE']];
            }
        }
        $drops = $this->settings->loyaltyMode() === LoyaltyMode::Processing ? $this->calculated($lines) : $this->pointsSpent($lines);
        $precision = self::precision();
        foreach ($drops as $code => $drop) {
            $perUnit = round($drop / 100 / $lines[$code]['quantity'], $precision);
            $arOrder['BASKET_ITEMS'][$code]['PRICE'] = round((float)$arOrder['BASKET_ITEMS'][$code]['PRICE'] - $perUnit, $precision);
            $arOrder['BASKET_ITEMS'][$code]['DISCOUNT_PRICE'] = round((float)($arOrder['BASKET_ITEMS'][$code]['DISCOUNT_PRICE'] ?? 0) + $perUnit, $precision);
        }
    }

    /** @return array<string, int> kopecks of points spent on each line, by basket code */
    public function shares(): array
    {
        return $this->shares;
    }

    /** Mindbox's calculation the lines were last brought to, null in standard mode or when Mindbox did not answer. */
    public function calculation(): ?CartCalculation
    {
        return $this->calculation;
    }

    public function isGuest(): bool
    {
        return $this->userId <= 0;
    }

    /**
     * Standard mode, right before the save: why the points this order spends are no longer there (another order of
     * the buyer took them since the engine ran), or null. Read afresh: what orders not yet delivered hold changes
     * between hits of any tab.
     */
    public function pointsGone(): ?string
    {
        if ($this->spent === 0) {
            return null;
        }
        $balance = Balance::of($this->settings, $this->userId);
        return $balance !== null && $this->spent <= $balance ? null : self::message('GONE');
    }

    public function result(): CheckoutResult
    {
        if ($this->settings->loyaltyMode() === LoyaltyMode::Standard) {
            // The field shows the balance even when the rule did not run (no lines, a rule before it stopped the rest).
            $this->knowBalance();
        }
        return new CheckoutResult($this->balance, $this->requested->raw, $this->spent, $this->message, $this->settings->pointsDecimals(), $this->calculation?->coupons() ?? []);
    }

    /** @return array<string, int> standard mode: the points, checked against the balance, spread over the lines */
    private function pointsSpent(array $lines): array
    {
        $this->knowBalance();
        if ($this->requested->error !== null || $this->requested->kopecks === 0) {
            return [];
        }
        if ($this->balance === null) {
            $this->message = self::message('UNAVAILABLE');
            return [];
        }
        $decimals = $this->settings->pointsDecimals();
        $precision = self::precision();
        $usable = Kopecks::floorTo($this->balance, $decimals);
        $allowed = Kopecks::floorTo(array_sum(array_column($lines, 'total')), $decimals);
        $target = min($this->requested->kopecks, $usable, $allowed);
        $shares = $target > 0 ? Allocation::spread($lines, $target, $precision) : [];
        // Whole points stay whole: a kopeck no line could take lowers the points to the next whole number.
        while (($spent = array_sum($shares)) !== Kopecks::floorTo($spent, $decimals)) {
            $shares = Allocation::spread($lines, Kopecks::floorTo($spent, $decimals), $precision);
        }
        $this->shares = $shares;
        $this->spent = $spent;
        $this->message = $this->clampMessage($target === $this->requested->kopecks ? 'CLAMPED_LINES' : ($usable <= $allowed ? 'CLAMPED_BALANCE' : 'CLAMPED_ORDER'), $usable, $allowed);
        return $shares;
    }

    /** Asks for the balance once per plan; a balance Mindbox could not give says so in the field. */
    private function knowBalance(): void
    {
        if ($this->balanceKnown) {
            return;
        }
        $this->balance = Balance::of($this->settings, $this->userId);
        $this->balanceKnown = true;
        if ($this->balance === null && $this->requested->error === null) {
            $this->message = self::message('UNAVAILABLE');
        }
    }

    /** @return array<string, int> processing mode: each line's drop to the price Mindbox calculated for it */
    private function calculated(array $lines): array
    {
        $request = $this->calculationRequest($lines);
        $key = json_encode($request);
        if (!array_key_exists($key, $this->calculations)) {
            // A cart whose discounts Mindbox would not confirm goes on at Bitrix's prices, not into the same refusal.
            $this->calculations[$key] = Refusals::has($request) ? null : CartCalculation::ask($this->settings, $this->isGuest() ? 'op_calculate_guest_cart' : 'op_calculate_cart', $request);
        }
        $this->calculation = $this->calculations[$key];
        if ($this->calculation === null) {
            $this->message = $this->requested->error === null ? self::message(Refusals::has($request) ? 'NOT_CONFIRMED' : 'UNAVAILABLE') : $this->message;
            return [];
        }
        $this->balance = $this->calculation->balance();
        $targets = [];
        foreach ($lines as $code => $line) {
            $targets[$code] = $line['total'] - ($this->calculation->lineTotals()[$code] ?? $line['total']);
        }
        $drops = Allocation::fit($lines, $targets, self::precision());
        $this->shares = $this->calculation->pointsPerLine();
        $this->spent = $this->calculation->spent();
        if ($this->requested->error === null) {
            $available = $this->calculation->available() ?? $this->spent;
            $this->message = $this->clampMessage('CLAMPED_ORDER', $this->balance ?? $available, Kopecks::floorTo($available, $this->settings->pointsDecimals()));
        }
        return $drops;
    }

    /** The calculation's body: the lines at what they cost now, the promo codes, the points asked for. */
    private function calculationRequest(array $lines): array
    {
        $points = $this->requested->error === null ? $this->requested->kopecks : 0;
        $userId = $this->isGuest() ? null : $this->userId;
        return (new ProcessingMapper($this->settings))->calculation($this->order, $lines, $this->coupons, $userId, $points);
    }

    private function clampMessage(string $code, int $usable, int $allowed): ?string
    {
        if ($this->spent === $this->requested->kopecks) {
            return null;
        }
        $decimals = $this->settings->pointsDecimals();
        return self::message($code, [
            '#SPENT#' => Kopecks::format($this->spent, $decimals),
            '#BALANCE#' => Kopecks::format($usable, $decimals),
            '#MAX#' => Kopecks::format($allowed, $decimals),
        ]);
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
