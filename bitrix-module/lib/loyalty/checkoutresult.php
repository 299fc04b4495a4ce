<?php

namespace Rustbox\Mindbox\Loyalty;

use Rustbox\Mindbox\Support\Kopecks;

/** What the "use points" field of one checkout request came to: the balance, the points spent, and why not more. */
final class CheckoutResult
{
    /**
     * @param int|null $balance kopecks available, null when Mindbox could not say
     * @param string $requested the field as the customer typed it, to show it again
     * @param int $spent kopecks spent on the order
     * @param string|null $message why the request was refused or clamped
     * @param array<string, string> $coupons Mindbox's status of each promo code (processing mode)
     */
    public function __construct(
        public readonly ?int $balance,
        public readonly string $requested,
        public readonly int $spent,
        public readonly ?string $message,
        private readonly int $decimals,
        public readonly array $coupons = [],
    ) {
    }

    /** The block the module adds to the checkout's $arResult['JS_DATA'], which the page's script reads. */
    public function toJsData(): array
    {
        return [
            'FIELD' => Checkout::FIELD,
            'AVAILABLE' => $this->balance !== null,
            'BALANCE' => $this->balance === null ? null : Kopecks::toMoney(Kopecks::floorTo($this->balance, $this->decimals)),
            'BALANCE_FORMATTED' => $this->balance === null ? '' : Kopecks::format($this->balance, $this->decimals),
            'REQUESTED' => $this->requested,
            'SPENT' => Kopecks::toMoney($this->spent),
            'MESSAGE' => (string)$this->message,
        ];
    }
}
