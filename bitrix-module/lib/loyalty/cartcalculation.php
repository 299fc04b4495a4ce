<?php

namespace Rustbox\Mindbox\Loyalty;

use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Support\EventLog;

/**
 * Mindbox's calculation of a cart (loyalty processing, `op_calculate_cart`, a guest's `op_calculate_guest_cart`): the lines as they cost after the shop's
 * own rules, the promo codes and the points the buyer asked for go in; each line's price after Mindbox's promotions
 * and points, the coupons' statuses and the points the buyer may spend on this order come out. Mindbox may split a
 * line; the parts share the line's `lineId` (its basket code) and are added up again here.
 */
final class CartCalculation
{
    private function __construct(public readonly array $request, private readonly array $answer, private readonly CalculationAnswer $checked)
    {
    }

    /**
     * Asks Mindbox, through the checkout's short-timeout client and its circuit breaker.
     *
     * @param string $operationOption the option naming the operation: a buyer's or a guest's cart
     * @return self|null null when Mindbox could not calculate now, or answered what cannot be used (the checkout goes
     *         on at Bitrix's prices)
     */
    public static function ask(Settings $settings, string $operationOption, array $request): ?self
    {
        try {
            $answer = Breaker::guard($settings, static fn () => Mindbox::balanceClient($settings->siteId())
                ->call($settings->get($operationOption), $request));
        } catch (BreakerOpen) {
            return null;
        } catch (\MindboxUnavailableException | \MindboxValidationException $e) {
            EventLog::warning('loyalty:calculate', get_class($e) . ': ' . $e->getMessage());
            return null;
        } catch (\Throwable $e) {
            EventLog::failure('loyalty:calculate', $e);
            return null;
        }
        try {
            return new self($request, $answer, CalculationAnswer::check($request, $answer));
        } catch (\UnexpectedValueException $e) {
            // Mindbox answered, so it is not down: the breaker stays as it is.
            EventLog::warning('loyalty:calculate', 'Mindbox\'s calculation was not used: ' . $e->getMessage());
            return null;
        }
    }

    /** @return array<string, int> */
    public function lineTotals(): array
    {
        return $this->checked->totals;
    }

    /** @return array<string, int> */
    public function pointsPerLine(): array
    {
        return $this->checked->points;
    }

    /** The order's total after Mindbox (delivery not included), in kopecks: what the order's creation must say. */
    public function total(): int
    {
        return $this->checked->total;
    }

    /** Points the buyer may spend on this order, null when Mindbox did not say. */
    public function available(): ?int
    {
        return $this->checked->available;
    }

    /** The buyer's balance, null when Mindbox did not say. */
    public function balance(): ?int
    {
        return $this->checked->balance;
    }

    public function spent(): int
    {
        return array_sum($this->checked->points);
    }

    /** Whether Mindbox changed anything: a price, points, or a promo code it took. */
    public function discounts(): bool
    {
        return $this->checked->total < array_sum(CalculationAnswer::costs($this->request)) || in_array(Coupons::APPLIED, $this->coupons(), true);
    }

    /** @return array<string, string> each promo code's status, as Mindbox words it (CanBeUsed, NotFound, Used, …) */
    public function coupons(): array
    {
        $statuses = [];
        foreach ($this->answer['order']['couponsInfo'] ?? [] as $info) {
            $code = is_array($info) ? ($info['coupon']['ids']['code'] ?? '') : '';
            if (is_scalar($code) && (string)$code !== '') {
                $status = $info['coupon']['status'] ?? '';
                $statuses[(string)$code] = is_string($status) ? $status : '';
            }
        }
        return $statuses;
    }

    /** The answer's lines, as the order's creation must repeat them (split lines keep Mindbox's line numbers). */
    public function orderLines(): array
    {
        return array_map(static fn (array $line) => array_intersect_key($line, array_flip(['lineId', 'lineNumber', 'product', 'quantity', 'basePricePerItem'])), $this->answer['order']['lines']);
    }
}
