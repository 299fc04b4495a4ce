<?php

namespace Rustbox\Mindbox\Loyalty;

use Bitrix\Sale\Order;
use Bitrix\Sale\Result;
use Rustbox\Mindbox\Config\Operation;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Outbox\Dispatcher;
use Rustbox\Mindbox\Outbox\OrderEdits;
use Rustbox\Mindbox\Support\EventLog;
use Rustbox\Mindbox\Support\Guid;
use Rustbox\Mindbox\Support\Kopecks;
use Rustbox\Mindbox\Support\Notices;

/**
 * An edit of an order Mindbox confirmed with processing (ProcessedOrder): Mindbox recalculates it with the promotions,
 * promo codes and points of its first save (the processing order's create-or-update operation, the one that confirmed
 * it), and takes it only at the total it calculates. So the edit is put to Mindbox as soon as the order is saved,
 * and Mindbox's answer decides:
 * - taken: what Mindbox now holds is the order's snapshot;
 * - PriceHasBeenChanged: Mindbox holds the order as before; its total and its prices by line are kept beside the
 *   snapshot, and the order's Mindbox tab shows both totals for the manager to choose: keep Bitrix's (the order is
 *   told as it is, through the update without processing, which takes its figures as given), or apply Mindbox's (the
 *   lines get Mindbox's prices and the order is saved, which puts it to Mindbox again). Points of lines taken off go
 *   back only so, by Mindbox's recalculation, never by the module's arithmetic;
 * - not answered or refused, or an earlier change of the order still in the outbox: the edit waits in the outbox
 *   behind it under the same operation, and a PriceHasBeenChanged then parks it, shown on the tab the same way.
 *
 * The manager's save is never refused: it is done when this runs. The page waits for Mindbox at most the checkout's
 * timeout, and not at all while the checkout's breaker is open.
 */
final class Repricing
{
    /**
     * @param array $body the order's update as OrderChange makes it (every line, the parts taken off included)
     * @param array $told what Mindbox holds once it takes the edit, with the order's `processing`
     * @param ?array $kept the order's snapshot as the outbox keeps it now
     */
    public static function edit(Settings $settings, Order $order, string $key, array $body, array $told, ?array $kept): void
    {
        $processing = $told['processing'];
        $request = self::body($body, $processing);
        $operation = $settings->get($processing['guest'] ? 'op_create_guest_processed_order' : 'op_create_processed_order');
        $transactionId = Guid::nameBased('edit|' . $key . '|' . md5(json_encode($request)));
        $queue = static fn () => Dispatcher::send(Operation::UpdateOrder, $settings, $request,
            ['transactionId' => $transactionId, 'snapshot' => ['key' => $key, 'value' => $told]], $operation);
        if (($kept['delivery'] ?? 'delivered') !== 'delivered') {
            // Mindbox must have what came before, the order's own id among it, before it recalculates this.
            $queue();
            return;
        }
        try {
            $answer = Breaker::guard($settings, static fn () => Mindbox::balanceClient($settings->siteId())
                ->call($operation, $request, ['transactionId' => $transactionId]));
        } catch (\Throwable $e) {
            EventLog::warning('loyalty:order', sprintf('Order %d: Mindbox did not take its edit now (%s: %s); it waits in the outbox', $order->getId(), get_class($e), $e->getMessage()));
            $queue();
            return;
        }
        $status = is_array($answer['order'] ?? null) ? ($answer['order']['processingStatus'] ?? null) : null;
        $client = Mindbox::client($settings->siteId());
        if ($status === 'PriceHasBeenChanged') {
            $client->saveSnapshot($key, ($kept['value'] ?? $told) + ['repricing' => self::dispute($request, $answer['order'])]);
            Notices::repriced($settings->siteId(), $order->getId());
            EventLog::warning('loyalty:order', sprintf('Order %d: Mindbox recalculated its edit at another total (%s); the manager chooses on the order\'s Mindbox tab', $order->getId(), (string)($answer['order']['statusDescription'] ?? '')));
        } elseif (in_array($status, ProcessedOrder::CONFIRMED, true)) {
            $told['processing']['earned'] = ProcessedOrder::earned($answer);
            $client->saveSnapshot($key, $told);
        } else {
            EventLog::warning('loyalty:order', sprintf('Order %d: Mindbox answered its edit with processingStatus %s; it waits in the outbox', $order->getId(), json_encode($status)));
            $queue();
        }
    }

    /**
     * "Keep Bitrix's prices": the order is told as it is, without Mindbox's recalculation.
     *
     * @param bool $parked the order's last change waits parked with Mindbox's PriceHasBeenChanged (it went through the
     *     outbox), rather than kept beside the snapshot as answered at once
     * @return bool false when the order has no such change (settled already, or another change came since)
     */
    public static function keep(Settings $settings, Order $order, bool $parked): bool
    {
        $kept = Mindbox::client($settings->siteId())->snapshot(OrderEdits::key($settings, $order));
        if (isset($kept['value']['repricing'])) {
            OrderEdits::tellAsItIs($settings, $order);
        } elseif (!$parked || ($kept['delivery'] ?? null) !== 'failed' || !OrderEdits::tellParkedAsItIs($settings, $order, $kept)) {
            return false;
        }
        Notices::repricingSettled($settings->siteId(), $order->getId());
        return true;
    }

    /**
     * "Apply Mindbox's prices": each line still bought gets Mindbox's price per item, and the order is saved, which
     * puts it to Mindbox again, now at Mindbox's total.
     *
     * @return ?Result the save's; null when the order has no recalculation of Mindbox's to apply
     */
    public static function apply(Settings $settings, Order $order): ?Result
    {
        $dispute = Mindbox::client($settings->siteId())->snapshot(OrderEdits::key($settings, $order))['value']['repricing'] ?? null;
        if ($dispute === null || $dispute['lines'] === []) {
            return null;
        }
        foreach ($order->getBasket()->getBasketItems() as $item) {
            $line = $dispute['lines'][(string)$item->getId()] ?? null;
            if ($line !== null && (float)$item->getQuantity() > 0) {
                $item->setField('CUSTOM_PRICE', 'Y');
                $item->setField('PRICE', Kopecks::toMoney((int)round(Kopecks::fromMoney($line) / (float)$item->getQuantity())));
            }
        }
        $result = $order->save();
        if ($result->isSuccess()) {
            Notices::repricingSettled($settings->siteId(), $order->getId());
        }
        return $result;
    }

    /** Of the processing order's create-or-update operation: the order's figures, the first save's codes and points. */
    private static function body(array $body, array $processing): array
    {
        $order = $body['order'];
        $request = ['order' => ['ids' => $order['ids'], 'deliveryCost' => $order['deliveryCost'] ?? 0,
            // Mindbox's total of a processing order is that of its lines; delivery is its own figure.
            'totalPrice' => Kopecks::toMoney(Kopecks::fromMoney((float)$order['totalPrice']) - Kopecks::fromMoney((float)($order['deliveryCost'] ?? 0))),
            'lines' => array_map(static fn (array $line) => array_intersect_key($line, array_flip(['lineId', 'lineNumber', 'product', 'quantity', 'basePricePerItem', 'status'])), $order['lines'])]];
        foreach (['email', 'mobilePhone'] as $field) {
            if (isset($order[$field])) {
                $request['order'][$field] = $order[$field];
            }
        }
        foreach (['coupons', 'bonusPoints'] as $field) {
            if (($processing[$field] ?? []) !== []) {
                $request['order'][$field] = $processing[$field];
            }
        }
        return (isset($body['customer']) && !$processing['guest'] ? ['customer' => $body['customer']] : []) + $request;
    }

    /**
     * What the tab shows and "apply" needs: both totals (of the lines, as Mindbox counts them) and Mindbox's price of
     * each line still bought, by basket id, the parts Mindbox split it into added up.
     */
    private static function dispute(array $request, array $answer): array
    {
        $lines = [];
        foreach (is_array($answer['lines'] ?? null) ? $answer['lines'] : [] as $line) {
            if (isset($line['lineId'], $line['discountedPriceOfLine'])) {
                $id = (string)$line['lineId'];
                $lines[$id] = Kopecks::toMoney(Kopecks::fromMoney($lines[$id] ?? 0) + Kopecks::fromMoney((float)$line['discountedPriceOfLine']));
            }
        }
        return ['bitrix' => (float)$request['order']['totalPrice'], 'mindbox' => isset($answer['totalPrice']) ? (float)$answer['totalPrice'] : null,
            'lines' => $lines, 'at' => time()];
    }
}
