<?php

namespace Rustbox\Mindbox\Loyalty;

use Bitrix\Sale\Order;
use Rustbox\Mindbox\Config\LoyaltyMode;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Shop\BasketLines;
use Rustbox\Mindbox\Shop\Customers;
use Rustbox\Mindbox\Shop\PointsDiscount;
use Rustbox\Mindbox\Support\Kopecks;

/**
 * Points spent in `standard` mode by orders Mindbox has not been told of yet. Mindbox debits them only when the
 * order's creation is delivered, which a backlog, the rate limit or a stopped daemon can put off; until then its
 * balance still shows them. The creation is queued holding its points under the customer's key in the outbox (shared
 * by every worker and node of the endpoint), which lets go of them once Mindbox answered it, delivered or refused, and
 * what is held is taken off the balance the buyer sees and may spend.
 */
final class PointsHold
{
    /** The client options that make the order's creation hold its points, or none. */
    public static function of(Settings $settings, Order $order): array
    {
        if ($settings->loyaltyMode() !== LoyaltyMode::Standard || !Customers::isCustomerId((int)$order->getUserId())) {
            return [];
        }
        $basket = $order->getBasket();
        $points = $basket === null ? 0 : array_sum(array_map(PointsDiscount::spentOn(...), BasketLines::orderable($basket)));
        return $points > 0 ? ['hold' => ['key' => self::key($settings, (int)$order->getUserId()), 'amount' => Kopecks::toMoney($points)]] : [];
    }

    /** Kopecks held for the customer now. */
    public static function held(Settings $settings, int $userId): int
    {
        return Kopecks::fromMoney(Mindbox::client($settings->siteId())->heldPoints(self::key($settings, $userId)));
    }

    /** One balance of one customer: sites on the same endpoint share it, as they share the customer in Mindbox. */
    private static function key(Settings $settings, int $userId): string
    {
        return 'points|' . json_encode($settings->customerIds($userId)) . '|' . ($settings->balanceType() ?? '');
    }
}
