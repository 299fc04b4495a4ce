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

    /** The creation's body with its lines numbered, and the option that keeps what Mindbox then holds. */
    public static function creation(Settings $settings, Order $order, array $body): array
    {
        $status = self::status($settings, $order->isCanceled(), (string)$order->getField('STATUS_ID')) ?? '';
        return [OrderChange::numbered($body, $status), ['snapshot' => ['key' => self::key($settings, $order), 'value' => OrderChange::asCreated($body, $status)]]];
    }

    /**
     * A saved order that is not new.
     *
     * @param array $changed the original values of the order's fields this save changed (OnSaleOrderSaved's VALUES)
     */
    public static function saved(Settings $settings, Order $order, array $changed): void
    {
        if (!$settings->isEnabled(Operation::UpdateOrder) || !$settings->sendsOrderEditsFrom(SaveContext::current())) {
            return;
        }
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
        $snapshot = ['snapshot' => ['key' => $key, 'value' => $change->told]];
        match (true) {
            $change->kind === OrderChange::UPDATE => Dispatcher::send(Operation::UpdateOrder, $settings, $change->body, $snapshot),
            $change->kind === OrderChange::STATUS => Dispatcher::send(Operation::UpdateOrder, $settings, $change->body, $snapshot, $settings->get('op_update_order_status')),
            // The baseline of an order saved before snapshots; one kept stays with the item that told it.
            $kept === null => $client->saveSnapshot($key, $change->told),
            default => null,
        };
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
