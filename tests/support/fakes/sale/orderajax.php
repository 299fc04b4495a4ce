<?php
// The checkout component bitrix:sale.order.ajax (components/bitrix/sale.order.ajax/class.php of a site), played by
// the fake shop's checkout().

namespace MindboxTests\Bitrix\Fakes;

use Bitrix\Main\Context;
use Bitrix\Sale;

/**
 * One hit of bitrix:sale.order.ajax, in the order of steps of the real component
 * (components/bitrix/sale.order.ajax/class.php: createOrder → getOrder → saveOrder or prepareResultArray):
 *
 * - getOrder(): the order is created, initBasket() refreshes and saves the shopper's basket (so OnSaleBasketSaved
 *   fires on every render and AJAX refresh) and appends its orderable part; initShipment() and initDelivery() each
 *   end in doFinalAction(true), where the discount engine prices the lines; initPayment() creates the payment with
 *   the order's total as its SUM, recalculatePayment() sets it again; only then OnSaleComponentOrderCreated fires (a
 *   handler asking for CALCULATE_PAYMENT gets recalculatePayment() once more);
 * - "place order" saves that order (its errors, such as a handler of OnSaleOrderBeforeSaved refusing it, go to
 *   $arResult['ERROR']); any other hit builds $arResult: obtainBasket() shows each line with the prices
 *   of the engine's last calculation (Discount::getShowPrices(), not the line as it is now), obtainTotal() sums those
 *   shown lines for ORDER_PRICE and reads DELIVERY_PRICE and ORDER_TOTAL_PRICE from the order, and the payment's SUM
 *   is what the buyer will pay; then JS_DATA['COUPON_LIST'] lists the buyer's coupons
 *   (getJsDataResult()); then OnSaleComponentOrderResultPrepared fires.
 *
 * Guests' orders belong to the shared anonymous buyer. The page's AJAX posts its form as order[…].
 */
final class SaleOrderAjax
{
    public function __construct(private Sale\Basket $basket, private float $delivery, private string $siteId)
    {
    }

    /** @return array{order: Sale\Order, result: array} */
    public function run(bool $placeOrder): array
    {
        $user = $GLOBALS['USER'];
        $request = Context::getCurrent()->getRequest();
        $userId = $user->IsAuthorized() ? (int)$user->GetID() : (int)\CSaleUser::GetAnonymousUserID();
        $order = $this->getOrder($userId, (string)$user->GetEmail());
        $payment = $order->getPaymentCollection()->createItem();
        $this->recalculatePayment($order, $payment);

        $userResult = [];
        $params = ['ACTION_VARIABLE' => 'soa-action'];
        $result = ['ERROR' => [], 'JS_DATA' => []];
        $deliveries = [];
        $paySystems = [];
        foreach (GetModuleEvents('sale', 'OnSaleComponentOrderCreated', true) as $event) {
            ExecuteModuleEventEx($event, [$order, &$userResult, $request, &$params, &$result, &$deliveries, &$paySystems]);
        }
        if (!empty($userResult['CALCULATE_PAYMENT'])) {
            $this->recalculatePayment($order, $payment);
        }
        if ($placeOrder) {
            $saved = $order->save();
            $result['ERROR'] = $saved->isSuccess() ? [] : $saved->getErrorMessages();
            return ['order' => $order, 'result' => $result];
        }
        $result['JS_DATA']['GRID']['ROWS'] = $this->shownRows($order);
        $shownPrice = array_sum(array_column(array_column($result['JS_DATA']['GRID']['ROWS'], 'data'), 'SUM_NUM'));
        $shownBase = array_sum(array_column(array_column($result['JS_DATA']['GRID']['ROWS'], 'data'), 'SUM_BASE'));
        $result['JS_DATA']['TOTAL'] = [
            'PRICE_WITHOUT_DISCOUNT_VALUE' => Sale\PriceMaths::roundPrecision($shownBase),
            'ORDER_PRICE' => Sale\PriceMaths::roundPrecision($shownPrice),
            'DISCOUNT_PRICE' => Sale\PriceMaths::roundPrecision($shownBase - $shownPrice),
            'DELIVERY_PRICE' => $order->getDeliveryPrice(),
            'ORDER_TOTAL_PRICE' => $order->getPrice(),
            'ORDER_TOTAL_LEFT_TO_PAY' => $payment->getSum(),
        ];
        $result['JS_DATA']['COUPON_LIST'] = $this->couponList();
        foreach (GetModuleEvents('sale', 'OnSaleComponentOrderResultPrepared', true) as $event) {
            ExecuteModuleEventEx($event, [$order, &$userResult, $request, &$params, &$result]);
        }
        return ['order' => $order, 'result' => $result];
    }

    private function getOrder(int $userId, string $email): Sale\Order
    {
        $order = Sale\Order::create($this->siteId, $userId);
        $order->getPropertyCollection()->createItem(['ID' => 1, 'CODE' => 'EMAIL', 'NAME' => 'E-mail', 'IS_EMAIL' => 'Y'])->setValue($email);
        if ($this->basket->refresh()->isSuccess()) {
            $this->basket->save();
        }
        $order->appendBasket($this->basket->getOrderableItems());
        $order->doFinalAction(true);
        $order->setField('PRICE_DELIVERY', $this->delivery);
        $order->doFinalAction(true);
        return $order;
    }

    /** getJsDataResult(): the buyer's coupons; a code the shop does not know is BAD. */
    private function couponList(): array
    {
        $list = [];
        foreach (Sale\DiscountCouponsManager::get(true, [], true, true) as $coupon) {
            $status = (int)$coupon['STATUS'];
            $coupon['JS_STATUS'] = match (true) {
                in_array($status, [Sale\DiscountCouponsManager::STATUS_NOT_FOUND, Sale\DiscountCouponsManager::STATUS_FREEZE], true) => 'BAD',
                in_array($status, [Sale\DiscountCouponsManager::STATUS_NOT_APPLYED, Sale\DiscountCouponsManager::STATUS_ENTERED], true) => 'ENTERED',
                default => 'APPLIED',
            };
            $coupon['JS_CHECK_CODE'] = implode('<br>', (array)$coupon['CHECK_CODE_TEXT']);
            $list[] = $coupon;
        }
        return $list;
    }

    /** The external payment pays what the order costs (there is no inner account payment here). */
    private function recalculatePayment(Sale\Order $order, Sale\Payment $payment): void
    {
        $payment->setField('SUM', $order->getPrice());
    }

    /** obtainBasket(): each line as the engine's last calculation priced it, keyed by the line's id. */
    private function shownRows(Sale\Order $order): array
    {
        $shown = $order->getDiscount()->getShowPrices()['BASKET'];
        $rows = [];
        foreach ($order->getBasket()->getBasketItems() as $item) {
            $prices = $shown[$item->getBasketCode()] ?? ['SHOW_BASE_PRICE' => $item->getBasePrice(), 'SHOW_PRICE' => $item->getPrice(), 'SHOW_DISCOUNT' => $item->getDiscountPrice()];
            $quantity = (float)$item->getQuantity();
            $rows[$item->getBasketCode()] = ['data' => [
                'ID' => $item->getBasketCode(),
                'PRODUCT_ID' => $item->getProductId(),
                'QUANTITY' => $quantity,
                'BASE_PRICE' => $prices['SHOW_BASE_PRICE'],
                'PRICE' => $prices['SHOW_PRICE'],
                'DISCOUNT_PRICE' => $prices['SHOW_DISCOUNT'],
                'SUM_NUM' => Sale\PriceMaths::roundPrecision($prices['SHOW_PRICE'] * $quantity),
                'SUM_BASE' => Sale\PriceMaths::roundPrecision($prices['SHOW_BASE_PRICE'] * $quantity),
            ]];
        }
        return $rows;
    }
}
