<?php
// An order's payments, as sale/lib/payment.php, paymentcollection.php and paysystem/manager.php behave where the
// module can see it:
// - setField() of a loosely equal value changes nothing; SUM is rounded and cannot change while the payment is paid
//   (SALE_PAYMENT_NOT_ALLOWED_CHANGE_SUM); a change the order refuses is undone;
// - paying (PAID = Y) stamps DATE_PAID and EMP_PAID_ID, clears IS_RETURN and queues OnPaymentPaid (ENTITY, VALUES)
//   for the payment's save; paying or unpaying tells the order, which refuses it when cancelled
//   (SALE_ORDER_PAID_ORDER_CANCELED) and otherwise synchronises PAYED and SUM_PAID (orderfields.php);
// - setReturn(Y|P|N) (Payment::RETURN_INNER, RETURN_PS, RETURN_NONE; anything else is an ArgumentOutOfRangeException,
//   the value it already has is no change) sets IS_RETURN: N only clears the flag; Y (to the buyer's inner account)
//   or P (through the payment's own pay system, which must support refunds: SALE_ORDER_PAYMENT_RETURN_NO_SUPPORTED
//   otherwise) sets EMP_RETURN_ID and refunds the part of the payment not covered by overpayment; a refund of an
//   unpaid payment fails (SALE_PS_SERVICE_PAYMENT_NOT_PAID) and a refund made unpays it (PAID = N);
// - when the order's PRICE changes, the payment's SUM follows only if it is the order's single payment, unpaid, not
//   returned, and its SUM was not set since it was last saved (PaymentCollection::onOrderModify, isAllowAutoEdit);
//   cancelling an order with a paid payment is refused;
// - in the order's save, each payment sends OnBeforeSalePaymentEntitySaved (ENTITY, VALUES), and a changed one gets
//   its ID and sends OnSalePaymentEntitySaved (ENTITY, VALUES) and then its queued events; its changes are forgotten
//   when the order's save is over.
// Pay systems: the inner account (Manager::getInnerPaySystemId()) refunds; others only when fakeRefundable().

namespace Bitrix\Sale\PaySystem {

    class Manager
    {
        /** The id the install gives the "inner account" pay system. */
        private const INNER_ID = 1;
        /** @var array<int, true> pay systems whose handler refunds (implements IRefund) */
        private static array $refundable = [];

        public static function fakeReset(): void
        {
            self::$refundable = [];
        }

        public static function fakeRefundable(int $paySystemId): void
        {
            self::$refundable[$paySystemId] = true;
        }

        public static function getInnerPaySystemId()
        {
            return self::INNER_ID;
        }

        public static function fakeIsRefundable(int $paySystemId): bool
        {
            return $paySystemId === self::INNER_ID || isset(self::$refundable[$paySystemId]);
        }
    }
}

namespace Bitrix\Sale {

    use Bitrix\Main\ArgumentOutOfRangeException;
    use Bitrix\Main\Event;
    use Bitrix\Sale\Internals\Fields;
    use Bitrix\Sale\PaySystem\Manager;

    class Payment
    {
        use SetsFields;

        public const RETURN_NONE = 'N';
        public const RETURN_INNER = 'Y';
        public const RETURN_PS = 'P';

        private static int $nextId = 1;

        private Fields $fields;
        /** Events queued for this payment's save (Internals\EventsPool under 'p' + its index). */
        private array $delayedEvents = [];

        public function __construct(private PaymentCollection $collection, array $fields = [])
        {
            $this->fields = new Fields($fields + ['ID' => 0, 'PAY_SYSTEM_ID' => 0, 'SUM' => 0.0, 'PAID' => 'N', 'IS_RETURN' => self::RETURN_NONE]);
        }

        public static function fakeReset(): void
        {
            self::$nextId = 1;
            Manager::fakeReset();
        }

        public function setField($name, $value)
        {
            if ($name === 'SUM') {
                $value = PriceMaths::roundPrecision($value);
            }
            $old = $this->fields->get($name);
            if (!$this->fields->set($name, $value)) {
                return new Result();
            }
            $result = $this->onFieldModify($name, $old, $value);
            if ($result->isSuccess()) {
                $result = $this->getOrder()->onPaymentCollectionModify('UPDATE', $this, $name, $old, $value);
            }
            if (!$result->isSuccess()) {
                $this->fields->set($name, $old);
            }
            return $result;
        }


        public function getField($name)
        {
            return $this->fields->get($name);
        }

        public function getFields()
        {
            return $this->fields;
        }

        public function getFieldValues()
        {
            return $this->fields->getValues();
        }

        public function getId()
        {
            return (int)$this->fields->get('ID');
        }

        public function getSum()
        {
            return (float)$this->fields->get('SUM');
        }

        public function getPaymentSystemId()
        {
            return (int)$this->fields->get('PAY_SYSTEM_ID');
        }

        public function getOrder()
        {
            return $this->collection->getOrder();
        }

        public function isPaid()
        {
            return $this->fields->get('PAID') === 'Y';
        }

        public function isReturn()
        {
            return in_array($this->fields->get('IS_RETURN'), [self::RETURN_INNER, self::RETURN_PS], true);
        }

        public function isChanged()
        {
            return $this->fields->getOriginalValues() !== [];
        }

        public function setPaid($value)
        {
            return $this->setField('PAID', $value);
        }

        public function setReturn($value)
        {
            if (!in_array($value, [self::RETURN_INNER, self::RETURN_PS, self::RETURN_NONE], true)) {
                throw new ArgumentOutOfRangeException('value');
            }
            if (($value === self::RETURN_NONE) !== $this->isReturn()) {
                return new Result();
            }
            return $this->setField('IS_RETURN', $value);
        }

        /**
         * In the order's save: the "before" event for every payment, then, for a changed one, the write and its
         * events.
         *
         * @return array the payment's row
         */
        public function fakeSave(int $orderId): array
        {
            (new Event('sale', 'OnBeforeSalePaymentEntitySaved', ['ENTITY' => $this, 'VALUES' => $this->fields->getOriginalValues()]))->send();
            if ($this->isChanged()) {
                if ($this->getId() === 0) {
                    $this->fields->set('ID', self::$nextId++);
                    $this->fields->set('ORDER_ID', $orderId);
                }
                (new Event('sale', 'OnSalePaymentEntitySaved', ['ENTITY' => $this, 'VALUES' => $this->fields->getOriginalValues()]))->send();
                $delayed = $this->delayedEvents;
                $this->delayedEvents = [];
                foreach ($delayed as $name => $parameters) {
                    (new Event('sale', $name, $parameters))->send();
                }
            }
            return $this->fields->getValues();
        }

        public function fakeClearChanged(): void
        {
            $this->fields->clearChanged();
        }

        private function onFieldModify(string $name, $old, $value): Result
        {
            if ($name === 'SUM' && $this->isPaid()) {
                return self::refused('SALE_PAYMENT_NOT_ALLOWED_CHANGE_SUM');
            }
            if ($name === 'PAID' && $value === 'Y') {
                $this->fields->set('DATE_PAID', new \Bitrix\Main\Type\DateTime(Basket::fakeNow(), 'Y-m-d H:i:s.u'));
                $this->fields->set('EMP_PAID_ID', ($GLOBALS['USER'] ?? null)?->GetID());
                $this->fields->set('IS_RETURN', self::RETURN_NONE);
                $this->delayedEvents['OnPaymentPaid'] ??= ['ENTITY' => $this, 'VALUES' => $this->fields->getOriginalValues()];
            } elseif ($name === 'IS_RETURN' && $value !== self::RETURN_NONE) {
                return $this->refund($old, $value);
            }
            return new Result();
        }

        /** Payment::onFieldModify('IS_RETURN'): the pay system's refund (Service::refund()), the inner account's too. */
        private function refund($old, string $value): Result
        {
            if ($old === self::RETURN_NONE) {
                $this->fields->set('EMP_RETURN_ID', ($GLOBALS['USER'] ?? null)?->GetID());
            }
            $overPaid = max(0.0, $this->collection->getPaidSum() - $this->getOrder()->getPrice());
            $credit = $this->getSum() - $overPaid;
            $paySystem = $value === self::RETURN_PS ? $this->getPaymentSystemId() : (int)Manager::getInnerPaySystemId();
            if (!Manager::fakeIsRefundable($paySystem)) {
                return self::refused('SALE_ORDER_PAYMENT_RETURN_NO_SUPPORTED');
            }
            if ($credit <= 0) {
                return new Result();
            }
            if (!$this->isPaid()) {
                return self::refused('SALE_PS_SERVICE_PAYMENT_NOT_PAID');
            }
            return $this->setField('PAID', 'N');
        }

        private static function refused(string $code): Result
        {
            $result = new Result();
            $result->addError(new ResultError($code, $code));
            return $result;
        }
    }

    class PaymentCollection implements \IteratorAggregate, \Countable
    {
        /** @var Payment[] */
        private array $items = [];

        public function __construct(private Order $order, array $rows = [])
        {
            foreach ($rows as $row) {
                $this->items[] = new Payment($this, $row);
            }
        }

        public function createItem($paySystem = null)
        {
            return $this->items[] = new Payment($this);
        }

        public function getOrder()
        {
            return $this->order;
        }

        public function getIterator(): \ArrayIterator
        {
            return new \ArrayIterator($this->items);
        }

        public function count(): int
        {
            return count($this->items);
        }

        public function getItemById($id)
        {
            foreach ($this->items as $payment) {
                if ((int)$id > 0 && $payment->getId() === (int)$id) {
                    return $payment;
                }
            }
            return null;
        }

        public function getPaidSum()
        {
            return array_sum(array_map(static fn (Payment $p) => $p->isPaid() ? $p->getSum() : 0.0, $this->items));
        }

        public function hasPaidPayment()
        {
            return array_filter($this->items, static fn (Payment $p) => $p->isPaid()) !== [];
        }

        /** The order's PRICE changed: the one payment that may be edited for it follows; CANCELED: no paid payment. */
        public function onOrderModify($name, $oldValue, $value)
        {
            $result = new Result();
            if ($name === 'PRICE' && $this->isAllowAutoEdit()) {
                $result->addErrors($this->items[0]->setField('SUM', $value)->getErrors());
            } elseif ($name === 'CANCELED' && $value === 'Y' && $this->hasPaidPayment()) {
                $result->addError(new ResultError('SALE_ORDER_CANCEL_PAYMENT_EXIST_ACTIVE', 'SALE_ORDER_CANCEL_PAYMENT_EXIST_ACTIVE'));
            }
            return $result;
        }

        public function isAllowAutoEdit()
        {
            $payment = $this->items[0] ?? null;
            return !$this->order->isCanceled() && count($this->items) === 1
                && !$payment->isPaid() && !$payment->isReturn() && !$payment->getFields()->isChanged('SUM');
        }

        public function isChanged()
        {
            return array_filter($this->items, static fn (Payment $p) => $p->isChanged()) !== [];
        }

        /** @return list<array> the rows to store */
        public function save(): array
        {
            return array_map(fn (Payment $p) => $p->fakeSave($this->order->getId()), $this->items);
        }

        public function clearChanged(): void
        {
            foreach ($this->items as $payment) {
                $payment->fakeClearChanged();
            }
        }
    }
}
