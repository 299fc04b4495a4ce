<?php

namespace Rustbox\Mindbox\Outbox;

use Bitrix\Sale\Order;
use Rustbox\Mindbox\Config\Operation;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Config\StatusMap;
use Rustbox\Mindbox\Mappers\OrderChange;
use Rustbox\Mindbox\Mappers\OrderMapper;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Support\EventLog;
use Rustbox\Mindbox\Support\Notices;
use Rustbox\Mindbox\Support\SaveContext;

/**
 * An order after checkout: every save, whoever makes it (a manager, the 1C exchange, REST, an agent, site code), is
 * compared with what Mindbox was told of the order, kept in the outbox beside the item that told it, and what changed
 * is queued as one body in the same transaction as the order's new snapshot. Nothing waits on Mindbox: the save is
 * done when this runs, and a Mindbox that is down gets the change from the outbox later, in order with the order's
 * other events.
 */
final class OrderEdits
{
    /**
     * Order fields whose change means the content (lines, prices, delivery) changed: for an order saved before its
     * snapshot was kept, the only sign of what Mindbox has not heard.
     */
    private const CONTENT_FIELDS = ['PRICE', 'PRICE_DELIVERY', 'DISCOUNT_VALUE'];

    /**
     * The creation's body with its lines numbered, and the option that keeps what Mindbox then holds.
     *
     * @param ?array $processing of an order Mindbox confirmed with processing (ProcessedOrder): whether its buyer was
     *     a guest, and the promo codes and points of its confirmation, which its edits are recalculated with (Repricing)
     * @param array<string, list<array{0: int, 1: float}>> $numbering of such an order, the lines as Mindbox numbered
     *     them when it confirmed it (OrderChange::asCreated())
     */
    public static function creation(Settings $settings, Order $order, array $body, ?array $processing = null, array $numbering = []): array
    {
        $status = self::status($settings, $order->isCanceled(), (string)$order->getField('STATUS_ID')) ?? '';
        $told = OrderChange::asCreated($body, $status, $numbering) + ($processing !== null ? ['processing' => $processing] : []);
        $numbered = $numbering === [] ? OrderChange::numbered($body, $status) : OrderChange::told($body, $told);
        return [$numbered, ['snapshot' => ['key' => self::key($settings, $order), 'value' => $told]]];
    }

    /**
     * A saved order that is not new.
     *
     * @param array $changed the original values of the order's fields this save changed (OnSaleOrderSaved's VALUES)
     * @return ?array a change of content of an order Mindbox confirmed with processing, which Mindbox must recalculate
     *     (Loyalty\Repricing::edit()'s arguments: key, body, told, kept); null when done here
     */
    public static function saved(Settings $settings, Order $order, array $changed): ?array
    {
        if ($settings->isEnabled(Operation::UpdateOrder) && $settings->sendsOrderEditsFrom(SaveContext::current())) {
            return self::tell($settings, $order, $changed, false);
        }
        return null;
    }

    /**
     * The order told as it is, an order with processing too, through the update without processing, which takes its
     * figures as given: "keep Bitrix's prices" of an edit Mindbox recalculated at another total.
     */
    public static function tellAsItIs(Settings $settings, Order $order): void
    {
        self::tell($settings, $order, [], true);
    }

    /**
     * The same, for an edit whose item Mindbox parked (its snapshot is what that item would have told): the item is
     * taken out of the outbox and its content goes so instead.
     *
     * @param array $kept the order's snapshot, its item parked
     * @return bool false when the item was no longer there to take out
     */
    public static function tellParkedAsItIs(Settings $settings, Order $order, array $kept): bool
    {
        if (!Mindbox::client($settings->siteId())->withdraw((string)$kept['transactionId'])) {
            return false;
        }
        $body = OrderChange::told((new OrderMapper($settings))->order($order), $kept['value']);
        Dispatcher::send(Operation::UpdateOrder, $settings, $body, ['snapshot' => ['key' => self::key($settings, $order), 'value' => $kept['value']]]);
        return true;
    }

    /** @param bool $asItIs an order with processing is told as it is rather than left to Mindbox's recalculation */
    private static function tell(Settings $settings, Order $order, array $changed, bool $asItIs): ?array
    {
        $client = Mindbox::client($settings->siteId());
        $key = self::key($settings, $order);
        $kept = $client->snapshot($key);
        $told = $kept['value'] ?? null;
        $statusId = (string)$order->getField('STATUS_ID');
        $status = self::status($settings, $order->isCanceled(), $statusId);
        if ($status === null && (array_key_exists('STATUS_ID', $changed) || array_key_exists('CANCELED', $changed))) {
            self::unmapped($settings, $order, $statusId);
        }
        $body = (new OrderMapper($settings))->order($order);
        if ($told === null && array_intersect(self::CONTENT_FIELDS, array_keys($changed)) === []) {
            // Saved before the module kept what it told: the content is as it was, the status as before this save.
            $before = self::status($settings, ($changed['CANCELED'] ?? ($order->isCanceled() ? 'Y' : 'N')) === 'Y', (string)($changed['STATUS_ID'] ?? $statusId));
            $told = OrderChange::asCreated($body, $before ?? '');
        }
        $refused = ($kept['delivery'] ?? null) === 'failed';
        $change = OrderChange::of($told, $body, $status ?? (string)($told['status'] ?? ''), $settings->statusMap()->takenOff($order->isPaid()), $refused);
        $processing = $told['processing'] ?? null;
        $value = $change->told + ($processing !== null ? ['processing' => $processing] : []);
        if ($change->kind === OrderChange::UPDATE && $processing !== null && !$asItIs) {
            // Money returned in the same save goes with the next one: Mindbox's recalculation carries only content.
            return ['key' => $key, 'body' => $change->body, 'told' => $value + ['returned' => $told['returned'] ?? []], 'kept' => $kept];
        }
        $statusOperation = $settings->get('op_update_order_status');
        $bodies = match ($change->kind) {
            OrderChange::UPDATE => [[$change->body, null]],
            OrderChange::STATUS => [[$change->body, $statusOperation]],
            default => [],
        };
        $returned = self::returnedPayments($order);
        $value['returned'] = array_map(static fn (array $payment) => $payment['amount'], $returned);
        $newly = array_values(array_diff_key($returned, $told['returned'] ?? []));
        if ($newly !== []) {
            $bodies[] = [OrderChange::moneyReturned($body, $value, $newly), $statusOperation];
        }
        if ($bodies === []) {
            // The baseline of an order saved before snapshots; one kept stays with the item that told it.
            if ($kept === null) {
                $client->saveSnapshot($key, $value);
            }
            return null;
        }
        // One save, one or two bodies (the money returned goes by the line-status operation), in order under the
        // order's key; the snapshot with the last.
        foreach ($bodies as $at => [$sent, $name]) {
            $last = $at === count($bodies) - 1;
            Dispatcher::send(Operation::UpdateOrder, $settings, $sent, $last ? ['snapshot' => ['key' => $key, 'value' => $value]] : [], $name);
        }
        return null;
    }

    /**
     * The order's payments returned to the buyer (Payment::setReturn(): to the inner account or through the pay
     * system), by payment id, as Mindbox's `returnedPayments` name them: the pay system's id as the payment's type.
     *
     * @return array<string, array{type: string, amount: float}>
     */
    private static function returnedPayments(Order $order): array
    {
        $returned = [];
        foreach ($order->getPaymentCollection() as $payment) {
            if ($payment->isReturn()) {
                $returned[(string)$payment->getId()] = ['type' => (string)$payment->getPaymentSystemId(), 'amount' => (float)$payment->getSum()];
            }
        }
        return $returned;
    }

    /** The order is deleted: Mindbox is told by its DELETED status, and what was told of it is forgotten. */
    public static function deleted(Settings $settings, Order $order): void
    {
        if (!$settings->isEnabled(Operation::UpdateOrder)) {
            return;
        }
        $status = $settings->statusMap()->mindboxStatus(StatusMap::DELETED);
        if ($status === null) {
            self::unmapped($settings, $order, StatusMap::DELETED);
        } else {
            $body = ['orderLinesStatus' => $status, 'order' => ['ids' => $settings->orderIds($order->getId())]];
            Dispatcher::send(Operation::UpdateOrder, $settings, $body, [], $settings->get('op_update_order_status'));
        }
        Mindbox::client($settings->siteId())->forgetSnapshot(self::key($settings, $order));
    }

    /**
     * The ordering key the extension gives the order's events, from their order ids (ARCHITECTURE.md, delivery
     * guarantees: "order:" and the ids as sorted JSON). The update that links a processing order's own id to its
     * temporary one names both ids, so the extension would key it apart: it takes this key, so that the order's later
     * events (a status change by the own id, which Mindbox knows only once linked) never overtake it.
     */
    public static function orderingKey(Settings $settings, Order $order): string
    {
        $ids = $settings->orderIds($order->getId());
        ksort($ids, SORT_STRING);
        return 'order:' . json_encode($ids, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    }

    public static function key(Settings $settings, Order $order): string
    {
        return $settings->siteId() . ':order:' . $order->getId();
    }

    private static function status(Settings $settings, bool $canceled, string $statusId): ?string
    {
        return $settings->statusMap()->ofOrder($canceled, $statusId);
    }

    /** Silently skipping is what makes the official modules lose status changes; tell the administrator. */
    private static function unmapped(Settings $settings, Order $order, string $status): void
    {
        Notices::unmappedStatus($settings->siteId(), $status);
        EventLog::warning('sale:OnSaleOrderSaved', sprintf(
            'Order %d: status "%s" has no Mindbox status in the status map; the change was not sent',
            $order->getId(),
            $status
        ));
    }
}
