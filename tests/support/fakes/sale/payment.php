<?php
// An order's payments, as sale/lib/payment.php and paymentcollection.php behave where the module can see it: paying
// changes the order's PAYED and SUM_PAID; when the order's PRICE changes, the payment's SUM follows only if it is the
// order's single payment, unpaid, and its SUM was not set since it was last saved (PaymentCollection::onOrderModify,
// isAllowAutoEdit); a payment the checkout has just created and given a SUM therefore does not follow.

namespace Bitrix\Sale {

    use Bitrix\Sale\Internals\Fields;

    class Payment
    {
        private Fields $fields;

        public function __construct(private Order $order, array $fields = [])
        {
            $this->fields = new Fields($fields + ['SUM' => 0.0, 'PAID' => 'N']);
        }

        public function setField($name, $value)
        {
            $this->fields->set($name, $value);
            return new Result();
        }

        public function getField($name)
        {
            return $this->fields->get($name);
        }

        public function getFieldValues()
        {
            return $this->fields->getValues();
        }

        public function getSum()
        {
            return (float)$this->fields->get('SUM');
        }

        public function isPaid()
        {
            return $this->fields->get('PAID') === 'Y';
        }

        /** Paying changes the order's PAYED flag and SUM_PAID, as the sale core does. */
        public function setPaid($value)
        {
            $this->fields->set('PAID', $value);
            $this->order->fakePaymentsChanged();
            return new Result();
        }

        public function fakeSumChanged(): bool
        {
            return array_key_exists('SUM', $this->fields->getOriginalValues());
        }

        public function fakeClearChanged(): void
        {
            $this->fields->clearChanged();
        }
    }

    class PaymentCollection implements \IteratorAggregate
    {
        /** @var Payment[] */
        private array $items = [];

        public function __construct(private Order $order, array $rows = [])
        {
            foreach ($rows as $row) {
                $this->items[] = new Payment($order, $row);
            }
        }

        public function createItem($paySystem = null)
        {
            return $this->items[] = new Payment($this->order);
        }

        public function getIterator(): \ArrayIterator
        {
            return new \ArrayIterator($this->items);
        }

        public function getPaidSum()
        {
            return array_sum(array_map(static fn (Payment $p) => $p->isPaid() ? $p->getSum() : 0.0, $this->items));
        }

        /** The order's PRICE changed: the one payment that may be edited for it follows. */
        public function onOrderModify($name, $oldValue, $value)
        {
            if ($name === 'PRICE' && $this->isAllowAutoEdit()) {
                $this->items[0]->setField('SUM', $value);
            }
            return new Result();
        }

        public function isAllowAutoEdit()
        {
            return !$this->order->isCanceled() && count($this->items) === 1
                && !$this->items[0]->isPaid() && !$this->items[0]->fakeSumChanged();
        }

        public function fakeRows(): array
        {
            foreach ($this->items as $payment) {
                $payment->fakeClearChanged();
            }
            return array_map(static fn (Payment $p) => $p->getFieldValues(), $this->items);
        }
    }
}
