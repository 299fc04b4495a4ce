<?php

namespace Rustbox\Mindbox\Loyalty;

use Bitrix\Main\Localization\Loc;
use Bitrix\Sale\BasketItem;
use Bitrix\Sale\Order;
use Rustbox\Mindbox\Config\Operation;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Mappers\ProcessingMapper;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Outbox\Dispatcher;
use Rustbox\Mindbox\Outbox\OrderEdits;
use Rustbox\Mindbox\Support\EventLog;
use Rustbox\Mindbox\Support\Guid;
use Rustbox\Mindbox\Support\Kopecks;

Loc::loadMessages(__FILE__);

/**
 * A checkout's order in `processing` mode is confirmed in Mindbox before Bitrix saves it (sale:OnSaleOrderBeforeSaved,
 * `op_create_processed_order`, a guest's `op_create_guest_processed_order`), with the lines and the total of the
 * calculation the buyer saw, so the points are spent and the promo codes used exactly when the order exists. Bitrix
 * has no order id yet: the order is created under a temporary id (`temp_order_id_key`, a new GUID for each
 * confirmation), and once saved the order's own id is added to it through the outbox.
 *
 * A discount from Mindbox is in a saved order only if Mindbox confirmed exactly that order:
 * - confirmed: the save goes on; if it does not happen (a later handler or the core refuses it, the hit dies), the
 *   confirmation is cancelled in Mindbox (Cancellation), so no points stay spent for an order the shop does not have;
 * - PriceHasBeenChanged: the save stops, and the next recalculation asks Mindbox afresh;
 * - refused (a validation error, any other 4xx, a status other than processed) or not answered (timeout, 5xx, the
 *   breaker open): the save stops with a message, and the buyer's next hit prices the same cart without Mindbox
 *   (Refusals; the breaker does the same while Mindbox is down), to be placed at Bitrix's prices and sent as an offline
 *   order. Where Mindbox changed nothing (no promotion, code or points), the save goes on as an offline order at once.
 *   A confirmation that was not answered, or answered with an unknown status, may have been processed: it is
 *   cancelled all the same.
 * Without a calculation at all (Mindbox down at the recalculation) the order is at Bitrix's prices and offline.
 */
final class ProcessedOrder
{
    /** Mindbox's words for an order it created or updated with its discounts (ARCHITECTURE.md, the wire contract). */
    public const CONFIRMED = ['Processed', 'Created', 'Updated'];

    /**
     * @var \WeakMap<Order, array{tempId: string, numbering: list<array>, processing: array}|false>|null of each confirmed
     *     order its temporary id, its lines as Mindbox numbered them and what its edits are recalculated with
     *     (OrderEdits::creation()); false for an offline one
     */
    private static ?\WeakMap $outcomes = null;

    /** @var array<string, Cancellation> confirmations of this hit that no save has followed yet, by temporary id */
    private static array $unsaved = [];

    private static bool $watching = false;

    /** @return string|null why the order cannot be saved now, for the buyer; null lets the save go on */
    public static function confirm(Settings $settings, Order $order, CheckoutPlan $plan): ?string
    {
        self::$outcomes ??= new \WeakMap();
        $calculation = $plan->calculation();
        if ($calculation === null) {
            self::$outcomes[$order] = false;
            return null;
        }
        try {
            return self::confirmCalculated($settings, $order, $plan, $calculation);
        } catch (\Throwable $e) {
            // The outbox refused the cancellation's safety net, or anything else went wrong: no discount of Mindbox's
            // is saved unconfirmed. A confirmation already made is undone by its queued cancellation.
            EventLog::failure('loyalty:order', $e);
            return self::notConfirmed($order, $calculation);
        }
    }

    private static function confirmCalculated(Settings $settings, Order $order, CheckoutPlan $plan, CartCalculation $calculation): ?string
    {
        $tempId = Guid::random();
        $cancellation = new Cancellation($settings, $tempId);
        $cancellation->arm();
        $body = (new ProcessingMapper($settings))
            ->confirmation($order, $tempId, $calculation->request, $calculation->orderLines(), $calculation->total());
        $operation = $settings->get($plan->isGuest() ? 'op_create_guest_processed_order' : 'op_create_processed_order');
        try {
            $answer = Breaker::guard($settings, static fn () => Mindbox::balanceClient($settings->siteId())
                ->call($operation, $body, ['transactionId' => Guid::nameBased('create|' . $tempId)]));
        } catch (BreakerOpen) {
            $cancellation->withdraw();
            return self::notConfirmed($order, $calculation);
        } catch (\MindboxUnavailableException $e) {
            EventLog::warning('loyalty:order', get_class($e) . ': ' . $e->getMessage());
            $cancellation->sendNow();
            return self::notConfirmed($order, $calculation);
        } catch (\Throwable $e) {
            EventLog::warning('loyalty:order', 'Mindbox refused the order: ' . get_class($e) . ': ' . $e->getMessage());
            $cancellation->withdraw();
            return self::notConfirmed($order, $calculation);
        }
        $status = is_array($answer['order'] ?? null) ? ($answer['order']['processingStatus'] ?? null) : null;
        if ($status === 'PriceHasBeenChanged') {
            $cancellation->withdraw();
            // The component shows the error and ends the hit; the buyer's next hit calculates afresh.
            return (string)Loc::getMessage('RUSTBOX_MINDBOX_ORDER_PRICE_CHANGED');
        }
        if (($answer['status'] ?? null) !== 'Success' || !in_array($status, self::CONFIRMED, true)) {
            EventLog::warning('loyalty:order', sprintf('Mindbox answered the order with status %s, processingStatus %s', json_encode($answer['status'] ?? null), json_encode($status)));
            $cancellation->sendNow();
            return self::notConfirmed($order, $calculation);
        }
        self::$outcomes[$order] = ['tempId' => $tempId, 'numbering' => self::numbering($order, $body['order']['lines']),
            'processing' => ['guest' => $plan->isGuest(), 'coupons' => $body['order']['coupons'] ?? [], 'bonusPoints' => $body['order']['bonusPoints'] ?? [],
                'earned' => self::earned($answer)]];
        self::$unsaved[$tempId] = $cancellation;
        self::watchTheHitEnd();
        return null;
    }

    /**
     * The points Mindbox says an order it took earns (`bonusPointsChanges`), for the order's Mindbox tab; null when it
     * does not say.
     */
    public static function earned(array $answer): ?float
    {
        $changes = is_array($answer['bonusPointsChanges'] ?? null) ? $answer['bonusPointsChanges'] : [];
        $earned = array_filter(array_map(static fn ($change) => is_array($change) ? ($change['earnedAmount'] ?? null) : null, $changes), 'is_numeric');
        return $earned === [] ? null : Kopecks::toMoney(array_sum(array_map(Kopecks::fromMoney(...), $earned)));
    }

    /**
     * The lines as Mindbox numbered them, split where it split them, each with its basket item: the lines name items by
     * their basket codes, which the save turns into ids.
     *
     * @return list<array{0: BasketItem, 1: int, 2: float}>
     */
    private static function numbering(Order $order, array $lines): array
    {
        $items = [];
        foreach ($order->getBasket() ?? [] as $item) {
            $items[(string)$item->getBasketCode()] = $item;
        }
        $numbering = [];
        foreach ($lines as $line) {
            if (isset($items[(string)$line['lineId']])) {
                $numbering[] = [$items[(string)$line['lineId']], (int)$line['lineNumber'], (float)$line['quantity']];
            }
        }
        return $numbering;
    }

    /**
     * After the save of a new order: the order's own id added to the one Mindbox confirmed, or the offline order.
     *
     * @param array $options the client options of the order's creation
     * @return bool false when the order was no processing checkout's (it goes to Mindbox as any other order)
     */
    public static function afterSave(Settings $settings, Order $order, array $options): bool
    {
        $outcome = self::$outcomes[$order] ?? null;
        if ($outcome === null) {
            return false;
        }
        $mapper = new ProcessingMapper($settings);
        if ($outcome === false) {
            Dispatcher::send(Operation::SaveOfflineOrder, $settings, $mapper->offline($order), $options);
            return true;
        }
        $tempId = $outcome['tempId'];
        $cancellation = self::$unsaved[$tempId] ?? null;
        unset(self::$unsaved[$tempId]);
        try {
            $withdrawn = $cancellation?->withdraw() ?? true;
        } catch (\Throwable $e) {
            EventLog::failure('loyalty:order', $e);
            $withdrawn = false;
        }
        if (!$withdrawn) {
            EventLog::error('loyalty:order', sprintf('Order %d is saved, but its confirmation in Mindbox is cancelled or about to be (the save came after unsaved_cancel_seconds, or the outbox failed): its discounts are not in Mindbox', $order->getId()));
        }
        $numbering = [];
        foreach ($outcome['numbering'] as [$item, $number, $quantity]) {
            $numbering[(string)$item->getId()][] = [$number, $quantity];
        }
        [$body, $snapshot] = OrderEdits::creation($settings, $order, $mapper->linked($order, $tempId), $outcome['processing'], $numbering);
        Dispatcher::send(Operation::UpdateOrder, $settings, $body, $options + $snapshot + ['orderingKey' => OrderEdits::orderingKey($settings, $order)]);
        return true;
    }

    /**
     * The end of the hit (a shutdown function, so also after the component's die() and a fatal error): what Mindbox
     * confirmed in it and Bitrix did not save is cancelled now rather than after `unsaved_cancel_seconds`.
     */
    public static function cancelUnsaved(): void
    {
        $unsaved = self::$unsaved;
        self::$unsaved = [];
        foreach ($unsaved as $cancellation) {
            try {
                $cancellation->sendNow();
            } catch (\Throwable $e) {
                // The queued cancellation still goes out when its delay is over.
                EventLog::failure('loyalty:order', $e);
            }
        }
    }

    private static function watchTheHitEnd(): void
    {
        if (!self::$watching) {
            self::$watching = true;
            register_shutdown_function([self::class, 'cancelUnsaved']);
        }
    }

    /**
     * A checkout Mindbox did not confirm: its cart is priced without Mindbox from now on; an order whose prices are
     * Mindbox's waits for the buyer to see the new ones, one Mindbox did not change is placed as it is, offline.
     */
    private static function notConfirmed(Order $order, CartCalculation $calculation): ?string
    {
        Refusals::remember($calculation->request);
        if ($calculation->discounts()) {
            return (string)Loc::getMessage('RUSTBOX_MINDBOX_ORDER_NOT_CONFIRMED');
        }
        self::$outcomes[$order] = false;
        return null;
    }
}
