<?php
// What setting an order's field does beyond storing it, as Internals\Entity::setField() and the onFieldModify() of
// sale/lib/orderbase.php and order.php do it, with the payments' side of Order::syncOrderAndPayments() and
// onAfterSyncPaid(). The buyer's inner account (Internals\UserBudgetPool) is not modelled: what was paid above a lowered
// PRICE leaves SUM_PAID here as there, but the real core credits it to the account and takes it back when the price
// rises again, which the fake does not, so SUM_PAID after such a rise is below the real one.
// - a value loosely equal to the current one changes nothing; a change the modification refuses is undone;
// - every change of another field sets UPDATED_1C to N unless UPDATED_1C itself was changed since the last save, so
//   an order the 1C exchange marked Y is marked N again by the next change made elsewhere;
// - CANCELED, in either direction: OnSaleBeforeOrderCanceled (ENTITY) at once, where an EventResult::ERROR refuses
//   it; cancelling an order with a paid payment is refused (SALE_ORDER_CANCEL_PAYMENT_EXIST_ACTIVE); then
//   DATE_CANCELED, EMP_CANCELED_ID (the logged-in user) and OnSaleOrderCanceled (ENTITY) queued for after the save;
// - STATUS_ID: OnSaleBeforeStatusOrderChange (ENTITY, VALUE, OLD_VALUE) at once, an ERROR refuses it; then
//   DATE_STATUS, EMP_STATUS_ID and OnSaleStatusOrderChange (ENTITY, VALUE, OLD_VALUE) queued;
// - PRICE: the one payment that may follow it does (PaymentCollection::onOrderModify), then the payments are
//   synchronised: PAYED is Y when a payment is paid and the paid sum reaches PRICE, SUM_PAID is the paid sum (at most
//   PRICE), and OnSaleOrderPaid (ENTITY) is queued whenever PAYED differs from its value at the last save, in either
//   direction; an order becoming paid (or partly paid) gets the sale options status_on_paid (status_on_half_paid)
//   as its status when set, unless it has the final status F;
// - PRICE_DELIVERY (the fake's stand-in for its shipments' delivery price): refused on a cancelled order
//   (SALE_ORDER_PRICE_DELIVERY_ORDER_CANCELED), moves PRICE;
// - queued events go out after OnSaleOrderSaved in the order they were first queued, with the data of their first
//   queuing (Internals\EventsPool); their "…SendEmail" companions are not played.

namespace Bitrix\Sale {

    use Bitrix\Main\Config\Option;
    use Bitrix\Main\Event;
    use Bitrix\Main\EventResult;

    trait OrderFieldEffects
    {
        use SetsFields;

        /** Internals\EventsPool for this order: event name => its parameters. */
        private array $delayedEvents = [];

        public function setField($name, $value)
        {
            if (in_array($name, ['PRICE', 'PRICE_DELIVERY', 'SUM_PAID', 'DISCOUNT_VALUE'], true)) {
                $value = PriceMaths::roundPrecision($value);
            }
            $old = $this->fields->get($name);
            if (!$this->fields->set($name, $value)) {
                return new Result();
            }
            $result = $this->onFieldModify($name, $old, $value);
            if (!$result->isSuccess()) {
                $this->fields->set($name, $old);
            }
            return $result;
        }


        /** A change without its effects, still recorded; it marks the order changed for 1C like any other. */
        public function setFieldNoDemand($name, $value)
        {
            if (in_array($name, ['PRICE', 'PRICE_DELIVERY', 'SUM_PAID', 'DISCOUNT_VALUE'], true)) {
                $value = PriceMaths::roundPrecision($value);
            }
            if ($name !== 'UPDATED_1C' && !$this->fields->isChanged('UPDATED_1C')) {
                $this->setField('UPDATED_1C', 'N');
            }
            $this->fields->set($name, $value);
        }

        /**
         * A line of the order's basket changed, came or went: the order's PRICE follows; a line not yet saved with
         * this order also changes the shipments.
         */
        public function onBasketModify($action, BasketItem $basketItem, $name = null, $oldValue = null, $value = null)
        {
            if ($action === 'ADD' && (int)$basketItem->getField('ORDER_ID') <= 0) {
                $this->shipmentChanges++;
            }
            if ($action !== 'UPDATE' || in_array($name, ['PRICE', 'QUANTITY', 'CAN_BUY', 'DELAY'], true)) {
                return $this->refreshOrderPrice();
            }
            return new Result();
        }

        /** Order::onPaymentCollectionModify(): a payment's SUM or PAID changed. */
        public function onPaymentCollectionModify($action, Payment $payment, $name = null, $oldValue = null, $value = null)
        {
            $result = new Result();
            if ($name !== 'SUM' && $name !== 'PAID') {
                return $result;
            }
            if ($this->isCanceled()) {
                return self::refused('SALE_ORDER_PAID_ORDER_CANCELED');
            }
            if ($name === 'SUM' && !$payment->isPaid()) {
                return $result;
            }
            return $this->syncPayments($payment);
        }

        private function onFieldModify(string $name, $old, $value): Result
        {
            if ($name !== 'UPDATED_1C' && !$this->fields->isChanged('UPDATED_1C')) {
                $this->setField('UPDATED_1C', 'N');
            }
            if ($name === 'CANCELED') {
                return $this->onCanceledChange($value);
            }
            if ($name === 'STATUS_ID') {
                if (!self::allowedBy(new Event('sale', 'OnSaleBeforeStatusOrderChange', ['ENTITY' => $this, 'VALUE' => $value, 'OLD_VALUE' => $old]))) {
                    return self::refused('SALE_EVENT_ON_BEFORE_ORDER_STATUS_CHANGE_ERROR');
                }
                $this->setField('DATE_STATUS', new \Bitrix\Main\Type\DateTime(Basket::fakeNow(), 'Y-m-d H:i:s.u'));
                $this->setEmployee('EMP_STATUS_ID');
                $this->delayedEvents['OnSaleStatusOrderChange'] ??= ['ENTITY' => $this, 'VALUE' => $value, 'OLD_VALUE' => $old];
            } elseif ($name === 'PRICE_DELIVERY') {
                if ($this->isCanceled()) {
                    return self::refused('SALE_ORDER_PRICE_DELIVERY_ORDER_CANCELED');
                }
                return $this->refreshOrderPrice();
            } elseif ($name === 'PRICE') {
                $result = $this->payments->onOrderModify($name, $old, $value);
                return $result->isSuccess() ? $this->syncPayments(null) : $result;
            }
            return new Result();
        }

        private function onCanceledChange($value): Result
        {
            if (!self::allowedBy(new Event('sale', 'OnSaleBeforeOrderCanceled', ['ENTITY' => $this]))) {
                return self::refused('SALE_EVENT_ON_BEFORE_ORDER_CANCELED_ERROR');
            }
            $result = $this->payments->onOrderModify('CANCELED', null, $value);
            if (!$result->isSuccess()) {
                return $result;
            }
            $this->setField('DATE_CANCELED', new \Bitrix\Main\Type\DateTime(Basket::fakeNow(), 'Y-m-d H:i:s.u'));
            $this->setEmployee('EMP_CANCELED_ID');
            $this->delayedEvents['OnSaleOrderCanceled'] ??= ['ENTITY' => $this];
            return $result;
        }

        /** Order::syncOrderAndPayments() and onAfterSyncPaid(), the inner account aside. */
        private function syncPayments(?Payment $payment): Result
        {
            $wasPaid = $this->fields->get('PAYED');
            $paidSum = $this->payments->getPaidSum();
            $sumPaid = $this->getSumPaid();
            if ($payment !== null) {
                $sumPaid = $payment->isPaid() && $paidSum > $this->getPrice() ? $sumPaid + $payment->getSum() : $paidSum;
            }
            $paid = $sumPaid >= 0 && $this->payments->hasPaidPayment() && $this->getPrice() <= PriceMaths::roundPrecision($sumPaid);
            $this->setFieldNoDemand('PAYED', $paid ? 'Y' : 'N');
            if ($this->fields->isChanged('PAYED')) {
                $this->delayedEvents['OnSaleOrderPaid'] ??= ['ENTITY' => $this];
            }
            $this->setFieldNoDemand('SUM_PAID', min($sumPaid, max($this->getPrice(), 0.0)));
            if ($wasPaid === 'N') {
                $status = $this->isPaid() ? Option::get('sale', 'status_on_paid', '')
                    : ($this->payments->hasPaidPayment() ? Option::get('sale', 'status_on_half_paid', '') : '');
                if ((string)$status !== '' && $this->fields->get('STATUS_ID') !== 'F') {
                    return $this->setField('STATUS_ID', $status);
                }
            }
            return new Result();
        }

        private function refreshOrderPrice()
        {
            return $this->setField('PRICE', PriceMaths::roundPrecision((float)$this->basket?->getPrice() + $this->getDeliveryPrice()));
        }

        /** EMP_*_ID: the user logged in when the change was made, if any. */
        private function setEmployee(string $field): void
        {
            $user = $GLOBALS['USER'] ?? null;
            if (is_object($user) && $user->IsAuthorized()) {
                $this->setField($field, $user->GetID());
            }
        }

        private function sendDelayedEvents(): void
        {
            $delayed = $this->delayedEvents;
            $this->delayedEvents = [];
            foreach ($delayed as $name => $parameters) {
                (new Event('sale', $name, $parameters))->send();
            }
        }

        private static function allowedBy(Event $event): bool
        {
            $event->send();
            foreach ($event->getResults() as $eventResult) {
                if ($eventResult->getType() === EventResult::ERROR) {
                    return false;
                }
            }
            return true;
        }

        private static function refused(string $code): Result
        {
            $result = new Result();
            $result->addError(new ResultError($code, $code));
            return $result;
        }
    }
}
