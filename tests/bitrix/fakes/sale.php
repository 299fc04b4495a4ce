<?php
// Fakes of the sale module's D7 order model (bitrix.md sections 3.1, 3.2, 4.1-4.3): OnSaleOrderSaved with ENTITY,
// IS_NEW, VALUES (original values of the fields changed in this save, and only those) and IS_CHANGED unless the
// fake plays an older core; OnSaleBasketSaved only for baskets saved without an order. A change of a line's PRICE or
// QUANTITY recomputes the order's PRICE at once (OrderBase::onBasketModify → refreshOrderPrice), and a basket loaded
// for a shopper is a fresh copy of what is stored, as every hit reads it from the database again.

namespace Bitrix\Sale {

    use Bitrix\Main\Event;

    class ResultError extends \Bitrix\Main\Error
    {
    }

    class Result extends \Bitrix\Main\Result
    {
        private $id = null;

        public function setId($id)
        {
            $this->id = $id;
        }

        public function getId()
        {
            return $this->id;
        }
    }

    /** b_sale_fuser: the shopper id of a browser, tied to a user once they log in. */
    class Fuser
    {
        private static array $users = [];
        private static int $nextId = 1;
        private static ?int $current = null;

        public static function fakeReset(): void
        {
            self::$users = [];
            self::$nextId = 1;
            self::$current = null;
        }

        /** A new browser session: the shopper id it will get (or had, when given). */
        public static function fakeSetCurrent(?int $fuserId): void
        {
            self::$current = $fuserId;
        }

        /** What the sale module does on log-in: the browser's shopper id now belongs to the user. */
        public static function fakeAttachUser(int $fuserId, int $userId): void
        {
            self::$users[$fuserId] = $userId;
        }

        public static function getId($skipCreate = false)
        {
            if (self::$current === null && !$skipCreate) {
                self::$current = self::$nextId++;
                self::$users[self::$current] = null;
            }
            return self::$current;
        }

        public static function getIdByUserId($userId)
        {
            $id = array_search((int)$userId, self::$users, true);
            return $id === false ? false : $id;
        }

        public static function getUserIdById($fuserId)
        {
            return self::$users[(int)$fuserId] ?? null;
        }
    }

    /** A row of b_sale_basket_props: NAME, CODE, VALUE, SORT. */
    class BasketPropertyItem
    {
        private array $fields = ['ID' => 0, 'NAME' => '', 'CODE' => '', 'VALUE' => '', 'SORT' => 100];

        public function __construct(private BasketPropertiesCollection $collection)
        {
        }

        public function getId()
        {
            return (int)$this->fields['ID'];
        }

        public function getField($name)
        {
            return $this->fields[$name] ?? null;
        }

        public function getFieldValues()
        {
            return $this->fields;
        }

        public function setField($name, $value)
        {
            $this->fields[$name] = $value;
            return new Result();
        }

        public function setFields(array $values)
        {
            foreach ($values as $name => $value) {
                $this->setField($name, $value);
            }
            return new Result();
        }

        public function delete()
        {
            $this->collection->fakeRemove($this);
            return new Result();
        }

        public function fakeCopy(BasketPropertiesCollection $collection): self
        {
            $copy = new self($collection);
            $copy->fields = $this->fields;
            return $copy;
        }
    }

    /**
     * A basket item's properties (BasketPropertiesCollectionBase). getPropertyValues() keys them by CODE (NAME when
     * there is no code), each as CODE, ID, VALUE, SORT, NAME.
     */
    class BasketPropertiesCollection implements \IteratorAggregate, \Countable
    {
        /** @var BasketPropertyItem[] */
        private array $items = [];

        public function createItem()
        {
            return $this->items[] = new BasketPropertyItem($this);
        }

        public function getPropertyValues()
        {
            $values = [];
            foreach ($this->items as $item) {
                $code = (string)$item->getField('CODE') !== '' ? (string)$item->getField('CODE') : (string)$item->getField('NAME');
                if ($code !== '') {
                    $values[$code] = [
                        'CODE' => $code,
                        'ID' => $item->getId(),
                        'VALUE' => $item->getField('VALUE'),
                        'SORT' => $item->getField('SORT'),
                        'NAME' => $item->getField('NAME'),
                    ];
                }
            }
            return $values;
        }

        public function getIterator(): \ArrayIterator
        {
            return new \ArrayIterator($this->items);
        }

        public function count(): int
        {
            return count($this->items);
        }

        public function fakeRemove(BasketPropertyItem $item): void
        {
            $this->items = array_values(array_filter($this->items, static fn ($i) => $i !== $item));
        }

        public function fakeCopy(): self
        {
            $copy = new self();
            $copy->items = array_map(static fn (BasketPropertyItem $i) => $i->fakeCopy($copy), $this->items);
            return $copy;
        }
    }

    class BasketItem
    {
        private static int $nextId = 1;
        private array $fields;
        private ?Basket $basket = null;
        private ?BasketPropertiesCollection $properties = null;

        public function __construct(string $moduleId, $productId, ?string $basketCode = null)
        {
            $this->fields = [
                'ID' => 0,
                'MODULE' => $moduleId,
                'PRODUCT_ID' => (int)$productId,
                'QUANTITY' => 1.0,
                'BASE_PRICE' => 0.0,
                'PRICE' => 0.0,
                'DISCOUNT_PRICE' => 0.0,
                'CURRENCY' => 'RUB',
                'CUSTOM_PRICE' => 'N',
                'CAN_BUY' => 'Y',
                'DELAY' => 'N',
                'NAME' => '',
                'PRODUCT_XML_ID' => '',
                'BASKET_CODE' => $basketCode,
            ];
        }

        public static function fakeReset(): void
        {
            self::$nextId = 1;
        }

        public function fakeAssignId(): void
        {
            if ((int)$this->fields['ID'] === 0) {
                $this->fields['ID'] = self::$nextId++;
            }
        }

        public function fakeSetBasket(Basket $basket): void
        {
            $this->basket = $basket;
        }

        /** The same row read again from the database, for another basket object. */
        public function fakeCopy(Basket $basket): self
        {
            $copy = clone $this;
            $copy->basket = $basket;
            $copy->properties = $this->properties?->fakeCopy();
            return $copy;
        }

        /**
         * Setting BASE_PRICE or DISCOUNT_PRICE on a non-custom price recomputes PRICE = BASE_PRICE - DISCOUNT_PRICE.
         * A changed PRICE or QUANTITY is reported to the basket's order, which recomputes its own PRICE.
         */
        public function setField($name, $value)
        {
            $before = ['PRICE' => $this->fields['PRICE'], 'QUANTITY' => $this->fields['QUANTITY']];
            $this->fields[$name] = $value;
            if (in_array($name, ['BASE_PRICE', 'DISCOUNT_PRICE'], true) && $this->fields['CUSTOM_PRICE'] !== 'Y') {
                $this->fields['PRICE'] = (float)$this->fields['BASE_PRICE'] - (float)$this->fields['DISCOUNT_PRICE'];
            }
            foreach ($before as $field => $old) {
                if ((float)$old !== (float)$this->fields[$field]) {
                    $this->basket?->getOrder()?->onBasketModify('UPDATE', $this, $field, $old, $this->fields[$field]);
                }
            }
            return new Result();
        }

        public function setFields(array $values)
        {
            foreach ($values as $name => $value) {
                $this->setField($name, $value);
            }
            return new Result();
        }

        public function setPrice($value, $custom = false)
        {
            if ($custom) {
                $this->fields['CUSTOM_PRICE'] = 'Y';
            }
            return $this->setField('PRICE', (float)$value);
        }

        public function getPropertyCollection()
        {
            return $this->properties ??= new BasketPropertiesCollection();
        }

        public function getField($name)
        {
            return $this->fields[$name] ?? null;
        }

        public function getId()
        {
            return (int)$this->fields['ID'];
        }

        public function getBasketCode()
        {
            return $this->fields['BASKET_CODE'] ?? (string)$this->getId();
        }

        public function getProductId()
        {
            return (int)$this->fields['PRODUCT_ID'];
        }

        public function getQuantity()
        {
            return (float)$this->fields['QUANTITY'];
        }

        public function getPrice()
        {
            return (float)$this->fields['PRICE'];
        }

        public function getBasePrice()
        {
            return (float)$this->fields['BASE_PRICE'];
        }

        public function getDiscountPrice()
        {
            return (float)$this->fields['DISCOUNT_PRICE'];
        }

        public function getFinalPrice()
        {
            return round($this->getPrice() * $this->getQuantity(), 2);
        }

        public function getCurrency()
        {
            return $this->fields['CURRENCY'];
        }

        public function canBuy()
        {
            return $this->fields['CAN_BUY'] === 'Y';
        }

        public function isDelay()
        {
            return $this->fields['DELAY'] === 'Y';
        }

        public function isCustomPrice()
        {
            return $this->fields['CUSTOM_PRICE'] === 'Y';
        }

        public function getBasket()
        {
            return $this->basket;
        }

        public function getCollection()
        {
            return $this->basket;
        }

        public function delete()
        {
            $this->basket?->fakeRemove($this);
            return new Result();
        }
    }

    class Basket implements \IteratorAggregate, \Countable
    {
        /** Saved baskets without an order, by "<fuser>|<site>". */
        private static array $stored = [];

        /** @var BasketItem[] */
        private array $items = [];
        private ?int $fuserId = null;
        private ?Order $order = null;

        private function __construct(private string $siteId)
        {
        }

        public static function fakeReset(): void
        {
            self::$stored = [];
        }

        public static function create($siteId)
        {
            return new static((string)$siteId);
        }

        public static function loadItemsForFUser($fUserId, $siteId)
        {
            $basket = static::create($siteId);
            $basket->fuserId = (int)$fUserId;
            foreach ((self::$stored[$fUserId . '|' . $siteId] ?? null)?->items ?? [] as $item) {
                $basket->items[] = $item->fakeCopy($basket);
            }
            return $basket;
        }

        public function createItem($moduleId, $productId, $basketCode = null)
        {
            $item = new BasketItem((string)$moduleId, $productId, $basketCode);
            $item->fakeSetBasket($this);
            $this->items[] = $item;
            return $item;
        }

        public function fakeRemove(BasketItem $item): void
        {
            $this->items = array_values(array_filter($this->items, static fn ($i) => $i !== $item));
        }

        public function getBasketItems()
        {
            return $this->items;
        }

        /** Items that can be bought and are not put aside ("delayed"). */
        public function getOrderableItems()
        {
            $orderable = clone $this;
            $orderable->items = array_values(array_filter($this->items, static fn (BasketItem $i) => $i->canBuy() && !$i->isDelay()));
            return $orderable;
        }

        public function getIterator(): \ArrayIterator
        {
            return new \ArrayIterator($this->items);
        }

        public function count(): int
        {
            return count($this->items);
        }

        public function isEmpty()
        {
            return $this->items === [];
        }

        public function getPrice()
        {
            return round(array_sum(array_map(static fn (BasketItem $i) => $i->getFinalPrice(), $this->getOrderableItems()->items)), 2);
        }

        public function getBasePrice()
        {
            return round(array_sum(array_map(static fn (BasketItem $i) => $i->getBasePrice() * $i->getQuantity(), $this->getOrderableItems()->items)), 2);
        }

        public function getSiteId()
        {
            return $this->siteId;
        }

        public function getFUserId($skipCreate = false)
        {
            return $this->fuserId ??= Fuser::getId($skipCreate);
        }

        public function setFUserId($fUserId)
        {
            $this->fuserId = (int)$fUserId;
        }

        public function getOrder()
        {
            return $this->order;
        }

        public function fakeSetOrder(Order $order): void
        {
            $this->order = $order;
        }

        public function getItemById($id)
        {
            foreach ($this->items as $item) {
                if ($item->getId() === (int)$id) {
                    return $item;
                }
            }
            return null;
        }

        /**
         * Saves the items; only a basket with no order fires OnSaleBasketSaved (the order's save covers the rest).
         * Items saved with an order get its ORDER_ID and so leave the shopper's cart.
         */
        public function save()
        {
            foreach ($this->items as $item) {
                $item->fakeAssignId();
            }
            $key = $this->getFUserId() . '|' . $this->siteId;
            if ($this->order === null) {
                self::$stored[$key] = $this;
                (new Event('sale', 'OnSaleBasketSaved', ['ENTITY' => $this]))->send();
            } elseif (isset(self::$stored[$key])) {
                $ordered = array_map(static fn (BasketItem $i) => $i->getId(), $this->items);
                $cart = self::$stored[$key];
                $cart->items = array_values(array_filter($cart->items, static fn (BasketItem $i) => !in_array($i->getId(), $ordered, true)));
            }
            return new Result();
        }
    }

    class PropertyValue
    {
        private $value = null;

        public function __construct(private array $property)
        {
        }

        public function getValue()
        {
            return $this->value;
        }

        public function setValue($value)
        {
            $this->value = $value;
            return new Result();
        }

        public function getPropertyId()
        {
            return $this->property['ID'] ?? 0;
        }

        public function getName()
        {
            return $this->property['NAME'] ?? '';
        }

        public function getField($name)
        {
            return $this->property[$name] ?? null;
        }

        public function getProperty()
        {
            return $this->property;
        }
    }

    class PropertyValueCollection implements \IteratorAggregate
    {
        /** @var PropertyValue[] */
        private array $items = [];

        /** @param array $property the order property: CODE, NAME and flags IS_EMAIL, IS_PHONE, IS_PAYER … */
        public function createItem(array $property)
        {
            return $this->items[] = new PropertyValue($property);
        }

        public function getIterator(): \ArrayIterator
        {
            return new \ArrayIterator($this->items);
        }

        public function getUserEmail()
        {
            return $this->flagged('IS_EMAIL');
        }

        public function getPhone()
        {
            return $this->flagged('IS_PHONE');
        }

        public function getPayerName()
        {
            return $this->flagged('IS_PAYER');
        }

        public function getItemByOrderPropertyCode(string $propertyCode)
        {
            foreach ($this->items as $item) {
                if ($item->getField('CODE') === $propertyCode) {
                    return $item;
                }
            }
            return null;
        }

        private function flagged(string $flag): ?PropertyValue
        {
            foreach ($this->items as $item) {
                if ($item->getField($flag) === 'Y') {
                    return $item;
                }
            }
            return null;
        }
    }

    class Payment
    {
        private array $fields = ['SUM' => 0.0, 'PAID' => 'N'];

        public function __construct(private Order $order)
        {
        }

        public function setField($name, $value)
        {
            $this->fields[$name] = $value;
            return new Result();
        }

        public function getField($name)
        {
            return $this->fields[$name] ?? null;
        }

        public function getSum()
        {
            return (float)$this->fields['SUM'];
        }

        public function isPaid()
        {
            return $this->fields['PAID'] === 'Y';
        }

        /** Paying changes the order's PAYED flag and SUM_PAID, as the sale core does. */
        public function setPaid($value)
        {
            $this->fields['PAID'] = $value;
            $this->order->fakePaymentsChanged();
            return new Result();
        }
    }

    class PaymentCollection implements \IteratorAggregate
    {
        /** @var Payment[] */
        private array $items = [];

        public function __construct(private Order $order)
        {
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
    }

    class Order
    {
        private static array $orders = [];
        private static int $nextId = 1;
        private static bool $legacyCore = false;

        private array $fields;
        /** Original values of the fields changed since the last save (Internals\Fields::getOriginalValues()). */
        private array $original = [];
        private ?Basket $basket = null;
        private PropertyValueCollection $properties;
        private PaymentCollection $payments;
        private bool $isNew = true;

        private function __construct(string $siteId, $userId, string $currency)
        {
            $this->fields = [
                'ID' => 0,
                'LID' => $siteId,
                'USER_ID' => $userId,
                'CURRENCY' => $currency,
                'STATUS_ID' => 'N',
                'PRICE' => 0.0,
                'PRICE_DELIVERY' => 0.0,
                'DISCOUNT_VALUE' => 0.0,
                'PAYED' => 'N',
                'SUM_PAID' => 0.0,
                'CANCELED' => 'N',
                'COMMENTS' => '',
            ];
            $this->properties = new PropertyValueCollection();
            $this->payments = new PaymentCollection($this);
        }

        public static function fakeReset(): void
        {
            self::$orders = [];
            self::$nextId = 1;
            self::$legacyCore = false;
        }

        /** Plays a sale module older than IS_CHANGED. */
        public static function fakeLegacyCore(bool $legacy): void
        {
            self::$legacyCore = $legacy;
        }

        public static function create($siteId, $userId = null, $currency = null)
        {
            return new static((string)$siteId, $userId, $currency ?? 'RUB');
        }

        public static function load($id)
        {
            return self::$orders[(int)$id] ?? null;
        }

        public function setBasket(Basket $basket)
        {
            $this->basket = $basket;
            $basket->fakeSetOrder($this);
            return $this->refreshOrderPrice();
        }

        /** What the core does when a line of the order's basket changes: PRICE and QUANTITY move the order's PRICE. */
        public function onBasketModify($action, BasketItem $basketItem, $name = null, $oldValue = null, $value = null)
        {
            return in_array($name, ['PRICE', 'QUANTITY'], true) ? $this->refreshOrderPrice() : new Result();
        }

        private function refreshOrderPrice()
        {
            return $this->setField('PRICE', round((float)$this->basket?->getPrice() + $this->getDeliveryPrice(), 2));
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

        /** A field set back to its original value is no longer "changed"; a new delivery price moves PRICE. */
        public function setField($name, $value)
        {
            if (!array_key_exists($name, $this->original)) {
                $this->original[$name] = $this->fields[$name] ?? null;
            }
            $this->fields[$name] = $value;
            if ($this->original[$name] === $value) {
                unset($this->original[$name]);
            }
            return $name === 'PRICE_DELIVERY' ? $this->refreshOrderPrice() : new Result();
        }

        public function setFields(array $values)
        {
            foreach ($values as $name => $value) {
                $this->setField($name, $value);
            }
            return new Result();
        }

        public function getField($name)
        {
            return $this->fields[$name] ?? null;
        }

        public function getFieldValues()
        {
            return $this->fields;
        }

        public function getId()
        {
            return (int)$this->fields['ID'];
        }

        public function getUserId()
        {
            return $this->fields['USER_ID'];
        }

        public function getSiteId()
        {
            return $this->fields['LID'];
        }

        public function getCurrency()
        {
            return $this->fields['CURRENCY'];
        }

        public function getPrice()
        {
            return (float)$this->fields['PRICE'];
        }

        public function getDeliveryPrice()
        {
            return (float)$this->fields['PRICE_DELIVERY'];
        }

        public function getSumPaid()
        {
            return (float)$this->fields['SUM_PAID'];
        }

        public function isPaid()
        {
            return $this->fields['PAYED'] === 'Y';
        }

        public function isCanceled()
        {
            return $this->fields['CANCELED'] === 'Y';
        }

        public function isNew()
        {
            return $this->isNew;
        }

        public function isChanged()
        {
            return $this->original !== [];
        }

        public function fakePaymentsChanged(): void
        {
            $paid = $this->payments->getPaidSum();
            $this->setField('SUM_PAID', $paid);
            $this->setField('PAYED', $paid > 0 && $paid >= $this->getPrice() ? 'Y' : 'N');
        }

        /**
         * Saves the order and its basket, then sends OnSaleOrderSaved with the changes of this save, then forgets
         * them. The order total follows the basket, so a change of lines shows as a changed PRICE.
         */
        public function save()
        {
            $isNew = $this->isNew;
            if ($this->basket !== null) {
                $this->basket->save();
                $this->setField('PRICE', round($this->basket->getPrice() + $this->getDeliveryPrice(), 2));
            }
            if ($isNew) {
                $this->fields['ID'] = self::$nextId++;
                $this->fields['ACCOUNT_NUMBER'] = (string)$this->fields['ID'];
                self::$orders[$this->fields['ID']] = $this;
            }
            $parameters = ['ENTITY' => $this, 'IS_NEW' => $isNew];
            if (!self::$legacyCore) {
                $parameters['IS_CHANGED'] = $isNew || $this->isChanged();
            }
            $parameters['VALUES'] = $this->original;
            (new Event('sale', 'OnSaleOrderSaved', $parameters))->send();
            $this->isNew = false;
            $this->original = [];
            $result = new Result();
            $result->setId($this->getId());
            return $result;
        }
    }
}
