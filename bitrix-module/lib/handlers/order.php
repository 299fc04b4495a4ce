<?php

namespace Rustbox\Mindbox\Handlers;

use Bitrix\Main\Event;
use Bitrix\Main\EventResult;
use Bitrix\Sale\Order as SaleOrder;
use Bitrix\Sale\ResultError;
use Rustbox\Mindbox\Config\LoyaltyMode;
use Rustbox\Mindbox\Config\Operation;
use Rustbox\Mindbox\History\Watermark;
use Rustbox\Mindbox\Loyalty\Checkout as LoyaltyCheckout;
use Rustbox\Mindbox\Loyalty\PointsHold;
use Rustbox\Mindbox\Loyalty\ProcessedOrder;
use Rustbox\Mindbox\Loyalty\Repricing;
use Rustbox\Mindbox\Mappers\OrderMapper;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Outbox\Dispatcher;
use Rustbox\Mindbox\Outbox\OrderEdits;
use Rustbox\Mindbox\Support\Guard;

/**
 * The sale module's order events (registered with registerEventHandler, so they get the Event): creation, changes,
 * cancellation and deletion.
 */
final class Order
{
    /**
     * Orders being deleted in this process. Order::delete() cancels and saves the order, removes its lines and saves
     * it again: that last save is no change of content Mindbox should hear of, the deletion is.
     *
     * @var array<int, true>
     */
    private static array $deleting = [];

    public static function onSaleOrderSaved(Event $event): void
    {
        Guard::run('sale:OnSaleOrderSaved', static function () use ($event): void {
            $order = $event->getParameter('ENTITY');
            // Older cores do not send IS_CHANGED; only an explicit false means "nothing changed".
            if (!$order instanceof SaleOrder || $event->getParameter('IS_CHANGED') === false) {
                return;
            }
            $settings = Mindbox::settings((string)$order->getSiteId());
            if ($event->getParameter('IS_NEW')) {
                $mapper = new OrderMapper($settings);
                $options = ['transactionId' => $mapper->creationTransactionId($order)];
                [$body, $snapshot] = OrderEdits::creation($settings, $order, $mapper->order($order));
                $handled = ProcessedOrder::afterSave($settings, $order, $options)
                    || Dispatcher::send(Operation::CreateOrder, $settings, $body, PointsHold::of($settings, $order) + $options + $snapshot) !== null;
                if ($handled) {
                    Watermark::orderHandled($settings, $order->getId());
                }
                return;
            }
            // VALUES holds the original value of each field changed by this save, and only those.
            $changed = (array)($event->getParameter('VALUES') ?? []);
            // A deletion's last save takes the lines away; the deletion, not that, is what Mindbox hears of.
            if (!isset(self::$deleting[$order->getId()]) || array_key_exists('CANCELED', $changed)) {
                $edit = OrderEdits::saved($settings, $order, $changed);
                if ($edit !== null) {
                    Repricing::edit($settings, $order, ...$edit);
                }
            }
        });
    }

    /**
     * sale:OnSaleOrderBeforeSaved (ENTITY), registered to run last: the new order of the buyer's checkout is checked
     * once more before it exists. In `processing` mode Mindbox confirms it (ProcessedOrder); in `standard` mode the
     * points it spends must still be there, after what orders not yet delivered hold. Either may stop the save with a
     * message for the buyer. A save an earlier handler refused is left alone: nothing is confirmed for it.
     */
    public static function onSaleOrderBeforeSaved(Event $event): ?EventResult
    {
        $refusal = null;
        Guard::run('sale:OnSaleOrderBeforeSaved', static function () use ($event, &$refusal): void {
            $order = $event->getParameter('ENTITY');
            $plan = $order instanceof SaleOrder ? LoyaltyCheckout::planOf($order) : null;
            foreach ($event->getResults() as $result) {
                if ($result->getType() === EventResult::ERROR) {
                    return;
                }
            }
            if ($plan === null) {
                return;
            }
            $settings = Mindbox::settings((string)$order->getSiteId());
            $message = $settings->loyaltyMode() === LoyaltyMode::Processing ? ProcessedOrder::confirm($settings, $order, $plan) : $plan->pointsGone();
            if ($message !== null) {
                $refusal = new EventResult(EventResult::ERROR, new ResultError($message, 'RUSTBOX_MINDBOX_LOYALTY'), 'sale');
            }
        });
        return $refusal;
    }

    /** sale:OnSaleBeforeOrderDelete (ENTITY): the deletion's saves follow. */
    public static function onSaleBeforeOrderDelete(Event $event): void
    {
        Guard::run('sale:OnSaleBeforeOrderDelete', static function () use ($event): void {
            $order = $event->getParameter('ENTITY');
            if ($order instanceof SaleOrder) {
                self::$deleting[$order->getId()] = true;
            }
        });
    }

    /** sale:OnSaleOrderDeleted (ENTITY: the order, still readable; VALUE: whether it was deleted). */
    public static function onSaleOrderDeleted(Event $event): void
    {
        Guard::run('sale:OnSaleOrderDeleted', static function () use ($event): void {
            $order = $event->getParameter('ENTITY');
            if (!$order instanceof SaleOrder) {
                return;
            }
            unset(self::$deleting[$order->getId()]);
            if ($event->getParameter('VALUE') === true) {
                OrderEdits::deleted(Mindbox::settings((string)$order->getSiteId()), $order);
            }
        });
    }
}
