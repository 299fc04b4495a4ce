<?php
// An order, as sale/lib/orderbase.php and order.php behave where the module can see it:
// - save() sends OnSaleOrderBeforeSaved (ENTITY, VALUES; an EventResult::ERROR carrying a ResultError stops the save
//   with that error), bumps VERSION of a changed stored order, sends OnSaleOrderEntitySaved when a field of the order
//   changed, saves the basket and the payments (payment.php), stamps DATE_UPDATE when anything changed, sends
//   OnSaleOrderSaved (ENTITY, IS_NEW, IS_CHANGED — not on cores older than it —, VALUES: the old values of the order's
//   own fields changed in this save, never the lines'), then the events its changes queued, and forgets the changes;
//   IS_CHANGED and isChanged() count the lines and payments too, and a line deleted leaves the order changed;
//   isNew() stays true until the save of a new order is over (delayed events included);
// - what setField() does beyond storing the value (cancellation, status, payments, price): orderfields.php;
// - Order::delete() cancels and saves the order first (so it fails for an order with a paid payment, as
//   cancelling does), deletes its lines, asks OnSaleBeforeOrderDelete, saves again, and sends OnSaleOrderDeleted
//   with the order still loaded;
// - a line added to the order's basket that is not yet saved with the order touches its shipments
//   (Order::onBasketModify → ShipmentCollection::onBasketModify), which fakeShipmentChanges() counts;
// - Order::load() reads the order afresh, as another hit would;
// - doFinalAction(true) sends OnBeforeSaleOrderFinalAction (ENTITY, HAS_MEANINGFUL_FIELD, BASKET; an ERROR result
//   stops it), runs the discount calculation, writes its prices into the lines whose price is not custom
//   (setFieldNoDemand) and the order's PRICE, then sends OnAfterSaleOrderFinalAction. The calculation runs for new
//   orders only: a saved order's discounts are those stored with it (the real engine's APPLY mode);
// - getList(), loadByFilter() and the orders stored before the module: orderquery.php.

namespace Bitrix\Sale {

    use Bitrix\Main\Event;
    use Bitrix\Main\EventResult;
    use Bitrix\Sale\Internals\Fields;

    class Order
    {
        use OrderQueries;
        use OrderFieldEffects;

        /** b_sale_order and what hangs on it, by id. */
        private static array $stored = [];
        private static int $nextId = 1;
        private static bool $legacyCore = false;

        private Fields $fields;
        private ?Basket $basket = null;
        private PropertyValueCollection $properties;
        private PaymentCollection $payments;
        private int $shipmentChanges = 0;
        private ?Discount $discount = null;
        /** OrderBase::$isNew while save() runs: a new order is new until its save is over. */
        private ?bool $newWhileSaving = null;

        private function __construct(array $values)
        {
            $this->fields = new Fields($values);
            $this->properties = new PropertyValueCollection();
            $this->payments = new PaymentCollection($this);
        }

        public static function fakeReset(): void
        {
            self::$stored = [];
            self::$nextId = 1;
            self::$legacyCore = false;
            Payment::fakeReset();
        }

        /** Plays a sale module older than IS_CHANGED. */
        public static function fakeLegacyCore(bool $legacy): void
        {
            self::$legacyCore = $legacy;
        }

        public static function create($siteId, $userId = null, $currency = null)
        {
            $order = new static([
                'ID' => 0,
                'LID' => (string)$siteId,
                'USER_ID' => $userId,
                'CURRENCY' => $currency ?? 'RUB',
                'PRICE' => 0.0,
                'PRICE_DELIVERY' => 0.0,
                'DISCOUNT_VALUE' => 0.0,
                'PAYED' => 'N',
                'SUM_PAID' => 0.0,
                'CANCELED' => 'N',
                'COMMENTS' => '',
                'VERSION' => 0,
            ]);
            $order->setField('STATUS_ID', 'N');
            return $order;
        }

        public static function load($id)
        {
            $stored = self::$stored[(int)$id] ?? null;
            if ($stored === null) {
                return null;
            }
            $order = new static($stored['fields']);
            $order->properties = PropertyValueCollection::fakeLoad($stored['props']);
            $order->payments = new PaymentCollection($order, $stored['payments']);
            $order->basket = Basket::fakeLoadForOrder($order);
            return $order;
        }

        /**
         * Cancels and saves the order, deletes its lines, lets OnSaleBeforeOrderDelete veto, saves again, forgets
         * the order and sends OnSaleOrderDeleted with the order object (its id still readable).
         */
        public static function delete($id)
        {
            $result = new Result();
            $order = static::load($id);
            if ($order === null) {
                $result->addError(new ResultError('SALE_ORDER_ENTITY_NOT_FOUND'));
                return $result;
            }
            $cancelled = $order->setField('CANCELED', 'Y');
            if (!$cancelled->isSuccess()) {
                return $cancelled;
            }
            $order->save();
            foreach ($order->getBasket()->getBasketItems() as $item) {
                $item->delete();
            }
            $before = new Event('sale', 'OnSaleBeforeOrderDelete', ['ENTITY' => $order]);
            $before->send();
            foreach ($before->getResults() as $eventResult) {
                if ($eventResult->getType() === EventResult::ERROR) {
                    $result->addError(new ResultError('EVENT_ORDER_DELETE_ERROR'));
                    return $result;
                }
            }
            $order->save();
            unset(self::$stored[$order->getId()]);
            (new Event('sale', 'OnSaleOrderDeleted', ['ENTITY' => $order, 'VALUE' => true]))->send();
            return $result;
        }

        public function setBasket(Basket $basket)
        {
            $this->basket = $basket;
            $basket->setOrder($this);
            return $this->refreshOrderPrice();
        }

        /** How sale.order.ajax attaches the orderable part of the shopper's basket (Order::appendBasket()). */
        public function appendBasket(Basket $basket)
        {
            return $this->setBasket($basket);
        }

        public function getDiscount()
        {
            return $this->discount ??= new Discount($this);
        }

        public function doFinalAction($hasMeaningfulField = false)
        {
            $result = new Result();
            if (!$hasMeaningfulField) {
                return $result;
            }
            $before = new Event('sale', 'OnBeforeSaleOrderFinalAction', ['ENTITY' => $this, 'HAS_MEANINGFUL_FIELD' => $hasMeaningfulField, 'BASKET' => $this->basket]);
            $before->send();
            foreach ($before->getResults() as $eventResult) {
                if ($eventResult->getType() === EventResult::ERROR) {
                    $result->addError(new ResultError('OnBeforeSaleOrderFinalAction refused'));
                    return $result;
                }
            }
            if ($this->isNew() && $this->basket !== null) {
                $prices = $this->getDiscount()->calculate()->getData();
                foreach ($this->basket->getBasketItems() as $item) {
                    $row = $prices['BASKET_ITEMS'][$item->getBasketCode()] ?? null;
                    if ($row !== null && !$item->isCustomPrice()) {
                        $item->setFieldNoDemand('PRICE', $row['PRICE']);
                        $item->setFieldNoDemand('DISCOUNT_PRICE', $row['DISCOUNT_PRICE']);
                    }
                }
                $this->refreshOrderPrice();
            }
            (new Event('sale', 'OnAfterSaleOrderFinalAction', ['ENTITY' => $this]))->send();
            return $result;
        }

        /** How many times lines were added to the shipments since the order was made or loaded. */
        public function fakeShipmentChanges(): int
        {
            return $this->shipmentChanges;
        }

        public function getBasket()
        {
            return $this->basket;
        }

        public function getPropertyCollection()
        {
            return $this->properties;
        }

        public function getPaymentCollection()
        {
            return $this->payments;
        }

        public function getField($name)
        {
            return $this->fields->get($name);
        }

        /** The field store: getOriginalValues(), getChangedValues(), isChanged($name) since the last save. */
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

        public function getUserId()
        {
            return $this->fields->get('USER_ID');
        }

        public function getSiteId()
        {
            return $this->fields->get('LID');
        }

        public function getCurrency()
        {
            return $this->fields->get('CURRENCY');
        }

        public function getPrice()
        {
            return (float)$this->fields->get('PRICE');
        }

        public function getDeliveryPrice()
        {
            return (float)$this->fields->get('PRICE_DELIVERY');
        }

        public function getSumPaid()
        {
            return (float)$this->fields->get('SUM_PAID');
        }

        public function isPaid()
        {
            return $this->fields->get('PAYED') === 'Y';
        }

        public function isCanceled()
        {
            return $this->fields->get('CANCELED') === 'Y';
        }

        public function isNew()
        {
            return $this->newWhileSaving ?? $this->getId() === 0;
        }

        /** The order's own fields, its lines (a deleted one included) and its payments. */
        public function isChanged()
        {
            return $this->fields->getOriginalValues() !== [] || ($this->basket?->isChanged() ?? false) || $this->payments->isChanged();
        }

        public function save()
        {
            $isNew = $this->isNew();
            $before = new Event('sale', 'OnSaleOrderBeforeSaved', ['ENTITY' => $this, 'VALUES' => $this->fields->getOriginalValues()]);
            $before->send();
            foreach ($before->getResults() as $eventResult) {
                if ($eventResult->getType() === EventResult::ERROR) {
                    $refused = new Result();
                    $error = $eventResult->getParameters();
                    $refused->addError($error instanceof ResultError ? $error : new ResultError('OnSaleOrderBeforeSaved refused the order', 'SALE_EVENT_ON_BEFORE_ORDER_SAVED_ERROR'));
                    return $refused;
                }
            }
            $this->newWhileSaving = $isNew;
            if ($isNew) {
                $this->setFieldNoDemand('ID', self::$nextId++);
                $this->setFieldNoDemand('ACCOUNT_NUMBER', (string)$this->getId());
                $this->setFieldNoDemand('DATE_INSERT', new \Bitrix\Main\Type\DateTime());
            } elseif ($this->isChanged()) {
                $this->setFieldNoDemand('VERSION', (int)$this->fields->get('VERSION') + 1);
            }
            if ($this->fields->getOriginalValues() !== []) {
                (new Event('sale', 'OnSaleOrderEntitySaved', ['ENTITY' => $this, 'VALUES' => $this->fields->getOriginalValues()]))->send();
            }
            $this->basket?->save();
            $payments = $this->payments->save();
            // OrderBase::completeSaving(): the basket's save has forgotten the lines' changes, not a deletion.
            if ($isNew || ($this->isChanged() && !$this->fields->isChanged('DATE_UPDATE'))) {
                $this->setFieldNoDemand('DATE_UPDATE', new \Bitrix\Main\Type\DateTime(Basket::fakeNow(), 'Y-m-d H:i:s.u'));
            }
            self::$stored[$this->getId()] = ['fields' => $this->fields->getValues(), 'props' => $this->properties->fakeRows(), 'payments' => $payments];
            $parameters = ['ENTITY' => $this, 'IS_NEW' => $isNew];
            if (!self::$legacyCore) {
                $parameters['IS_CHANGED'] = $this->isChanged();
            }
            $parameters['VALUES'] = $this->fields->getOriginalValues();
            (new Event('sale', 'OnSaleOrderSaved', $parameters))->send();
            $this->sendDelayedEvents();
            $this->newWhileSaving = null;
            $this->fields->clearChanged();
            $this->payments->clearChanged();
            $result = new Result();
            $result->setId($this->getId());
            return $result;
        }
    }
}
