<?php

namespace Rustbox\Mindbox\Loyalty;

use Bitrix\Main\Localization\Loc;
use Bitrix\Sale\Order;
use Rustbox\Mindbox\Dispatcher;
use Rustbox\Mindbox\EventLog;
use Rustbox\Mindbox\Guid;
use Rustbox\Mindbox\Mappers\OrderMapper;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Operation;
use Rustbox\Mindbox\Settings;

Loc::loadMessages(__FILE__);

/**
 * A checkout's order in `processing` mode is confirmed in Mindbox before Bitrix saves it (sale:OnSaleOrderBeforeSaved,
 * `op_create_processed_order`, a guest's `op_create_guest_processed_order`), with the lines and the total of the calculation the buyer saw, so the points are
 * spent and the promo codes used exactly when the order exists. Bitrix has no order id yet: the order is created
 * under a temporary id (`temp_order_id_key`, a GUID named after the calculation, whose lines are the basket's own
 * rows: a later order of the same products is another), and once saved the order's own id
 * is added to it through the outbox. The same checkout confirmed twice (a save that failed after Mindbox confirmed)
 * has the same temporary id and transactionId, so Mindbox answers TransactionAlreadyProcessed and spends nothing
 * twice.
 *
 * PriceHasBeenChanged stops the save: the buyer is asked to look again and the next recalculation asks Mindbox
 * afresh. Mindbox not answering (or the breaker open) does not stop it: the order is placed as calculated, or
 * without Mindbox's prices when there was no calculation, and reaches Mindbox later as an offline order
 * (`op_save_offline_order`) through the outbox.
 */
final class ProcessedOrder
{
    /** @var \WeakMap<Order, string|false>|null the temporary id of each confirmed order, false for an offline one */
    private static ?\WeakMap $outcomes = null;

    /** @return string|null why the order cannot be saved now, for the buyer; null lets the save go on */
    public static function confirm(Settings $settings, Order $order, CheckoutPlan $plan): ?string
    {
        self::$outcomes ??= new \WeakMap();
        $calculation = $plan->calculation();
        if ($calculation === null) {
            self::$outcomes[$order] = false;
            return null;
        }
        $tempId = Guid::nameBased(implode('|', [$settings->get('endpoint_id'), 'checkout', json_encode($calculation->request), $order->getDeliveryPrice()]));
        $body = self::body($settings, $order, $calculation, $tempId);
        try {
            $answer = Breaker::guard($settings, static fn () => Mindbox::balanceClient($settings->siteId())
                ->call($settings->get($plan->isGuest() ? 'op_create_guest_processed_order' : 'op_create_processed_order'), $body, ['transactionId' => Guid::nameBased('create|' . $tempId)]));
        } catch (BreakerOpen) {
            self::$outcomes[$order] = false;
            return null;
        } catch (\Throwable $e) {
            // The shop goes on: the order is kept and sent as an offline order.
            EventLog::warning('loyalty:order', get_class($e) . ': ' . $e->getMessage());
            self::$outcomes[$order] = false;
            return null;
        }
        if (($answer['order']['processingStatus'] ?? null) === 'PriceHasBeenChanged') {
            // The component shows the error and ends the hit; the buyer's next hit calculates afresh.
            return (string)Loc::getMessage('RUSTBOX_MINDBOX_ORDER_PRICE_CHANGED');
        }
        self::$outcomes[$order] = $tempId;
        return null;
    }

    /**
     * After the save of a new order: the order's own id added to the one Mindbox confirmed, or the offline order.
     *
     * @return bool false when the order was no processing checkout's (it goes to Mindbox as any other order)
     */
    public static function afterSave(Settings $settings, Order $order, OrderMapper $mapper, array $options): bool
    {
        $outcome = self::$outcomes[$order] ?? null;
        if ($outcome === null) {
            return false;
        }
        $body = $mapper->order($order);
        if ($outcome === false) {
            // When the buyer placed it: the outbox may deliver it much later.
            $body['executionDateTimeUtc'] = gmdate('Y-m-d H:i:s');
            Dispatcher::send(Operation::SaveOfflineOrder, $settings, $body, $options);
            return true;
        }
        $body['order']['ids'] = [$settings->get('temp_order_id_key') => $outcome] + $body['order']['ids'];
        Dispatcher::send(Operation::UpdateOrder, $settings, $body, $options);
        return true;
    }

    private static function body(Settings $settings, Order $order, CartCalculation $calculation, string $tempId): array
    {
        $mapped = (new OrderMapper($settings))->order($order);
        $body = ['customer' => $mapped['customer'], 'order' => [
            'ids' => [$settings->get('temp_order_id_key') => $tempId],
            'deliveryCost' => $mapped['order']['deliveryCost'],
            'totalPrice' => Kopecks::toMoney($calculation->total()),
            'lines' => $calculation->orderLines(),
        ]];
        foreach (['email', 'mobilePhone'] as $field) {
            if (isset($mapped['order'][$field])) {
                $body['order'][$field] = $mapped['order'][$field];
            }
        }
        foreach (['coupons', 'bonusPoints'] as $field) {
            if (isset($calculation->request['order'][$field])) {
                $body['order'][$field] = $calculation->request['order'][$field];
            }
        }
        return $body;
    }
}
