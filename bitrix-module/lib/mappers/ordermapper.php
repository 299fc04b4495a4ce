<?php

namespace Rustbox\Mindbox\Mappers;

use Bitrix\Sale\BasketItem;
use Bitrix\Sale\Order;
use Rustbox\Mindbox\Config\LoyaltyMode;
use Rustbox\Mindbox\Config\Operation;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Shop\BasketLines;
use Rustbox\Mindbox\Shop\Customers;
use Rustbox\Mindbox\Shop\PointsDiscount;
use Rustbox\Mindbox\Support\Guid;
use Rustbox\Mindbox\Support\Kopecks;

/**
 * A Bitrix order → the Mindbox bodies of its creation, its update and its status change. Points spent at checkout
 * are told apart from the shop's own discounts: with loyalty processing they are the order's `bonusPoints`,
 * without it a `balance` discount on each line they were spent on.
 */
final class OrderMapper
{
    /** Bitrix discounts cannot be named as Mindbox promo actions, so every line discount is reported under this one. */
    public const DISCOUNT_ACTION = 'bitrix-discount';

    private readonly ProductIds $productIds;

    public function __construct(private readonly Settings $settings)
    {
        $this->productIds = new ProductIds($settings);
    }

    /** The body of Website.CreateOrder and of an update of the order's content: the whole order. */
    public function order(Order $order): array
    {
        $body = ['customer' => $this->buyer($order, true), 'order' => ['ids' => $this->settings->orderIds($order->getId())]];
        $body['order'] += array_filter([
            'email' => $body['customer']['email'] ?? null,
            'mobilePhone' => $body['customer']['mobilePhone'] ?? null,
        ]);
        $body['order']['deliveryCost'] = (float)$order->getDeliveryPrice();
        $body['order']['totalPrice'] = (float)$order->getPrice();
        $body['order']['lines'] = $this->lines($order);
        $points = array_sum(array_map(PointsDiscount::spentOn(...), BasketLines::ofOrder($order)));
        if ($points > 0 && $this->settings->loyaltyMode() === LoyaltyMode::Processing) {
            $body['order']['bonusPoints'] = [['amount' => Kopecks::toMoney($points)]];
        }
        return $body;
    }

    /**
     * The transactionId of the order's creation, derived from the endpoint and the order's Mindbox id rather than
     * drawn: whatever sends the creation again (the event fired twice, a manual resend) is the same transaction to
     * Mindbox, which answers TransactionAlreadyProcessed instead of spending the points a second time.
     */
    public function creationTransactionId(Order $order): string
    {
        return Guid::nameBased(implode('|', [
            $this->settings->get('endpoint_id'),
            Operation::CreateOrder->value,
            json_encode($this->settings->orderIds($order->getId())),
        ]));
    }

    /** The body of a status change: every line of the order moves to the Mindbox status. */
    public function statusChange(Order $order, string $mindboxStatus): array
    {
        return [
            'orderLinesStatus' => $mindboxStatus,
            'order' => ['ids' => $this->settings->orderIds($order->getId())],
        ];
    }

    /**
     * The buyer: the shop's customer by their id, or, for an order without one (a guest's order belongs to the
     * shared anonymous buyer, and technical users are no customers), by the order's e-mail and phone alone; never
     * by a technical user's own placeholder e-mail. The live sync and the history's export both name the buyer so.
     *
     * @param bool $logJunkPhone whether a phone that is none is told in the event log (not for the whole history)
     * @return array{ids?: array, email?: string, mobilePhone?: string}
     */
    public function buyer(Order $order, bool $logJunkPhone): array
    {
        $user = Customers::user((int)$order->getUserId());
        $isCustomer = Customers::isCustomer($user);
        $customer = $isCustomer ? ['ids' => $this->settings->customerIds((int)$order->getUserId())] : [];
        $properties = $order->getPropertyCollection();
        $email = trim((string)$properties->getUserEmail()?->getValue());
        $rawPhone = (string)$properties->getPhone()?->getValue();
        $phone = $logJunkPhone ? Phone::of($rawPhone, 'sale:order', 'order ' . (int)$order->getId()) : Phone::normalized($rawPhone);
        if (!$isCustomer && $user !== null && strcasecmp($email, trim((string)($user['EMAIL'] ?? ''))) === 0) {
            $email = '';
        }
        if ($email !== '') {
            $customer['email'] = $email;
        }
        if ($phone !== null) {
            $customer['mobilePhone'] = $phone;
        }
        return $customer;
    }

    /** In the basket's order: the extension numbers them (lineNumber) as they come. */
    private function lines(Order $order): array
    {
        return array_map($this->line(...), BasketLines::ofOrder($order));
    }

    private function line(BasketItem $item): array
    {
        $quantity = (float)$item->getQuantity();
        $line = [
            'lineId' => (string)$item->getId(),
            'product' => ['ids' => $this->productIds->of($item)],
            'quantity' => $quantity,
            'basePricePerItem' => (float)$item->getBasePrice(),
        ];
        $points = PointsDiscount::spentOn($item);
        $shopDiscount = Kopecks::fromMoney(($item->getBasePrice() - $item->getPrice()) * $quantity) - $points;
        $discounts = [];
        if ($shopDiscount > 0) {
            $discounts[] = [
                'type' => 'externalPromoAction',
                'externalPromoAction' => ['ids' => ['externalId' => self::DISCOUNT_ACTION]],
                'amount' => Kopecks::toMoney($shopDiscount),
            ];
        }
        if ($points > 0 && $this->settings->loyaltyMode() === LoyaltyMode::Standard) {
            $discounts[] = ['type' => 'balance', 'amount' => Kopecks::toMoney($points)] + $this->balanceType();
        }
        if ($discounts !== []) {
            $line['discounts'] = $discounts;
        }
        return $line;
    }

    /** Without a configured balance type Mindbox takes the programme's default balance. */
    private function balanceType(): array
    {
        $type = $this->settings->balanceType();
        return $type === null ? [] : ['balanceType' => ['ids' => ['systemName' => $type]]];
    }
}
