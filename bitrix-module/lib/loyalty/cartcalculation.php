<?php

namespace Rustbox\Mindbox\Loyalty;

use Rustbox\Mindbox\EventLog;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Settings;

/**
 * Mindbox's calculation of a cart (loyalty processing, `op_calculate_cart`, a guest's `op_calculate_guest_cart`): the lines as they cost after the shop's
 * own rules, the promo codes and the points the buyer asked for go in; each line's price after Mindbox's promotions
 * and points, the coupons' statuses and the points the buyer may spend on this order come out. Mindbox may split a
 * line; the parts share the line's `lineId` (its basket code) and are added up again here.
 */
final class CartCalculation
{
    /** @var array<string, int> kopecks each line costs after Mindbox, by basket code */
    private array $totals = [];
    /** @var array<string, int> points spent on each line, in kopecks */
    private array $points = [];

    private function __construct(public readonly array $request, private readonly array $answer)
    {
        foreach ($answer['order']['lines'] ?? [] as $line) {
            $code = (string)($line['lineId'] ?? '');
            $this->totals[$code] = ($this->totals[$code] ?? 0) + Kopecks::fromMoney($line['discountedPriceOfLine'] ?? 0);
            foreach ($line['appliedPromotions'] ?? [] as $promotion) {
                if (($promotion['type'] ?? '') === 'spentBonusPoints') {
                    $this->points[$code] = ($this->points[$code] ?? 0) + Kopecks::fromMoney($promotion['amount'] ?? 0);
                }
            }
        }
    }

    /**
     * Asks Mindbox, through the checkout's short-timeout client and its circuit breaker.
     *
     * @param string $operationOption the option naming the operation: a buyer's or a guest's cart
     * @return self|null null when Mindbox could not calculate now (the checkout goes on without it)
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
        if (!is_array($answer['order']['lines'] ?? null)) {
            EventLog::warning('loyalty:calculate', 'Mindbox answered the calculation without order lines');
            return null;
        }
        return new self($request, $answer);
    }

    /** @return array<string, int> */
    public function lineTotals(): array
    {
        return $this->totals;
    }

    /** @return array<string, int> */
    public function pointsPerLine(): array
    {
        return $this->points;
    }

    /** The order's total after Mindbox (delivery not included), in kopecks: what the order's creation must say. */
    public function total(): int
    {
        return Kopecks::fromMoney($this->answer['order']['totalPrice'] ?? 0);
    }

    /** Points the buyer may spend on this order, null when Mindbox did not say. */
    public function available(): ?int
    {
        $info = $this->answer['order']['totalBonusPointsInfo'] ?? null;
        return isset($info['availableAmountForCurrentOrder']) ? Kopecks::fromMoney($info['availableAmountForCurrentOrder']) : null;
    }

    /** The buyer's balance, null when Mindbox did not say. */
    public function balance(): ?int
    {
        $available = $this->answer['order']['totalBonusPointsInfo']['balance']['available'] ?? null;
        return is_numeric($available) ? Kopecks::fromMoney($available) : null;
    }

    public function spent(): int
    {
        return array_sum($this->points);
    }

    /** @return array<string, string> each promo code's status, as Mindbox words it (CanBeUsed, NotFound, Used, …) */
    public function coupons(): array
    {
        $statuses = [];
        foreach ($this->answer['order']['couponsInfo'] ?? [] as $info) {
            $code = (string)($info['coupon']['ids']['code'] ?? '');
            if ($code !== '') {
                $statuses[$code] = (string)($info['coupon']['status'] ?? '');
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
