<?php
// A basket line, as sale/lib/basketitembase.php and basketitem.php behave where the module can see it: prices rounded
// by PriceMaths at every set, PRICE recomputed from BASE_PRICE and DISCOUNT_PRICE unless the price is custom (a mark
// of its own, not the CUSTOM_PRICE field), changes of the order's lines reported to the order, the save and delete
// events with VALUES = the old values of the fields changed since the last save, and the basket code
// (BasketItemBase::getBasketCode()): the code given to create() or, asked first, the ID of a stored line or a
// temporary "n<k>" from a counter of the process; once given it stays the line's code on this object, so a line added
// and saved in this hit keeps its "n<k>" here and is known by its ID only when loaded again. Properties:
// basketproperties.php.

namespace Bitrix\Sale {

    use Bitrix\Main\Event;
    use Bitrix\Main\EventResult;
    use Bitrix\Sale\Internals\Fields;

    class BasketItem
    {
        use SetsFields;

        private const PRICE_FIELDS = ['BASE_PRICE', 'PRICE', 'DISCOUNT_PRICE'];

        private Fields $fields;
        private bool $customPrice = false;
        /** The discount the catalog set on the line (through setField, as its provider does), not the engine's. */
        private float $catalogDiscount = 0.0;
        private ?BasketPropertiesCollection $properties = null;
        private array $storedProperties = [];
        /** BasketItemBase::$internalId: the basket code, fixed when first given or asked for (an int for an ID). */
        private int|string|null $basketCode = null;
        /** BasketItemBase::$idBasket: the last temporary code's number in this process (a hit). */
        private static int $lastTemporaryCode = 0;

        private function __construct(private ?Basket $basket, array $values)
        {
            foreach (self::PRICE_FIELDS as $name) {
                if (isset($values[$name])) {
                    $values[$name] = PriceMaths::roundPrecision($values[$name]);
                }
            }
            $this->fields = new Fields($values);
            $this->catalogDiscount = (float)($values['DISCOUNT_PRICE'] ?? 0.0);
        }

        /** A new hit: the temporary codes start again. */
        public static function fakeReset(): void
        {
            self::$lastTemporaryCode = 0;
        }

        /**
         * BasketItemBase::create(): the fields given here are not changes; everything set later is. A given code
         * "n<k>" moves the process's counter past k, so codes made later do not collide with it.
         */
        public static function create(Basket $basket, $moduleId, $productId, $basketCode = null)
        {
            $item = new static($basket, [
                'MODULE' => $moduleId,
                'BASE_PRICE' => 0,
                'CAN_BUY' => 'Y',
                'CUSTOM_PRICE' => 'N',
                'PRODUCT_ID' => (int)$productId,
                'LID' => $basket->getSiteId(),
            ]);
            if ($basketCode !== null) {
                $item->basketCode = $basketCode;
                if (str_starts_with((string)$basketCode, 'n')) {
                    self::$lastTemporaryCode = max(self::$lastTemporaryCode, (int)substr((string)$basketCode, 1));
                }
            }
            return $item;
        }

        /** A stored row, loaded for a basket: what CustomFieldsTable holds decides whether the price is custom. */
        public static function fakeLoad(Basket $basket, array $row): self
        {
            $item = new static($basket, $row['fields']);
            $item->customPrice = $row['custom'];
            $item->storedProperties = $row['props'];
            return $item;
        }

        /**
         * Rounds prices; CUSTOM_PRICE marks the price custom; a changed BASE_PRICE or DISCOUNT_PRICE of a price that
         * is not custom recomputes PRICE; a change of a line of an order's basket is reported to the order.
         */
        public function setField($name, $value)
        {
            if (in_array($name, self::PRICE_FIELDS, true)) {
                $value = PriceMaths::roundPrecision($value);
            }
            if ($name === 'CUSTOM_PRICE') {
                $this->customPrice = $value === 'Y';
            } elseif ($name === 'DISCOUNT_PRICE') {
                $this->catalogDiscount = (float)$value;
            }
            $old = $this->fields->get($name);
            if ($old == $value && !($old === null && $value !== null)) {
                return new Result();
            }
            $this->fields->set($name, $value);
            $this->basket?->getOrder()?->onBasketModify('UPDATE', $this, $name, $old, $value);
            if (in_array($name, ['BASE_PRICE', 'DISCOUNT_PRICE'], true) && !$this->customPrice) {
                $this->setField('PRICE', (float)$this->fields->get('BASE_PRICE') - (float)$this->fields->get('DISCOUNT_PRICE'));
            }
            return new Result();
        }


        /** A change without events or recalculation, still rounded and still recorded. */
        public function setFieldNoDemand($name, $value)
        {
            if (in_array($name, self::PRICE_FIELDS, true)) {
                $value = PriceMaths::roundPrecision($value);
            }
            $this->fields->set($name, $value);
        }

        /** Marks the price custom (or not) without touching the CUSTOM_PRICE field. */
        public function setPrice($value, $custom = false)
        {
            $this->customPrice = (bool)$custom;
            return $this->setField('PRICE', $value);
        }

        public function fakeCatalogDiscount(): float
        {
            return $this->catalogDiscount;
        }

        public function getPropertyCollection()
        {
            return $this->properties ??= new BasketPropertiesCollection($this->storedProperties);
        }

        public function getField($name)
        {
            return $this->fields->get($name);
        }

        public function getFieldValues()
        {
            return $this->fields->getValues();
        }

        public function getId()
        {
            return (int)$this->fields->get('ID');
        }

        public function getBasketCode()
        {
            return $this->basketCode ??= $this->getId() > 0 ? $this->getId() : 'n' . ++self::$lastTemporaryCode;
        }

        /** The field store: getOriginalValues() and getChangedValues() since the last save. */
        public function getFields()
        {
            return $this->fields;
        }

        public function getProductId()
        {
            return (int)$this->fields->get('PRODUCT_ID');
        }

        public function getQuantity()
        {
            return (float)$this->fields->get('QUANTITY');
        }

        public function getPrice()
        {
            return (float)$this->fields->get('PRICE');
        }

        public function getBasePrice()
        {
            return (float)$this->fields->get('BASE_PRICE');
        }

        public function getDiscountPrice()
        {
            return (float)$this->fields->get('DISCOUNT_PRICE');
        }

        public function getFinalPrice()
        {
            return PriceMaths::roundPrecision($this->getPrice() * $this->getQuantity());
        }

        public function getCurrency()
        {
            return $this->fields->get('CURRENCY');
        }

        public function canBuy()
        {
            return $this->fields->get('CAN_BUY') === 'Y';
        }

        public function isDelay()
        {
            return $this->fields->get('DELAY') === 'Y';
        }

        public function isCustomPrice()
        {
            return $this->customPrice;
        }

        public function isChanged()
        {
            return $this->fields->getOriginalValues() !== [] || ($this->properties?->isChanged() ?? false);
        }

        /** The basket the item is in now: getOrderableItems() moves items into the basket it returns. */
        public function getCollection()
        {
            return $this->basket;
        }

        public function setCollection(Basket $basket)
        {
            $this->basket = $basket;
        }

        /**
         * Fires OnBeforeSaleBasketItemEntityDeleted (an ERROR result vetoes), sets QUANTITY to 0, leaves the basket
         * (the order hears of it), then fires OnSaleBasketItemEntityDeleted; the row goes with the basket's save.
         */
        public function delete()
        {
            $before = new Event('sale', 'OnBeforeSaleBasketItemEntityDeleted', ['ENTITY' => $this, 'VALUES' => $this->fields->getOriginalValues()]);
            $before->send();
            foreach ($before->getResults() as $eventResult) {
                if ($eventResult->getType() === EventResult::ERROR) {
                    $result = new Result();
                    $result->addError(new ResultError('The basket item cannot be deleted'));
                    return $result;
                }
            }
            $this->fields->set('QUANTITY', 0);
            $this->basket?->fakeDeleteItem($this);
            (new Event('sale', 'OnSaleBasketItemEntityDeleted', ['ENTITY' => $this, 'VALUES' => $this->fields->getOriginalValues()]))->send();
            return new Result();
        }

        /**
         * BasketItemBase::save() inside the basket's save: the order id and shopper id filled in, the "before" event
         * for every item, then, only for a changed item, the write (DATE_UPDATE, and ID for a new one) and the
         * "saved" events with the old values of what changed.
         *
         * @return array{fields: array, custom: bool, props: list<array>}|null the row to store, null when unchanged
         */
        public function fakeSave(int $orderId): ?array
        {
            if ((int)$this->fields->get('ORDER_ID') <= 0 && $orderId > 0) {
                $this->fields->set('ORDER_ID', $orderId);
            }
            $isNew = $this->getId() === 0;
            if ($isNew && (int)$this->fields->get('FUSER_ID') <= 0) {
                $this->fields->set('FUSER_ID', (int)$this->basket->getFUserId(true));
            }
            (new Event('sale', 'OnSaleBasketItemBeforeSaved', ['ENTITY' => $this, 'IS_NEW' => $isNew, 'VALUES' => $this->fields->getOriginalValues()]))->send();
            if (!$this->isChanged()) {
                return null;
            }
            $this->fields->set('DATE_UPDATE', Basket::fakeNow());
            if ($isNew) {
                $this->fields->set('ID', Basket::fakeNextItemId());
            }
            $parameters = ['ENTITY' => $this, 'IS_NEW' => $isNew, 'VALUES' => $this->fields->getOriginalValues()];
            (new Event('sale', 'OnSaleBasketItemSaved', $parameters))->send();
            $row = ['fields' => $this->fields->getValues(), 'custom' => $this->customPrice, 'props' => $this->getPropertyCollection()->fakeRows()];
            (new Event('sale', 'OnSaleBasketItemEntitySaved', ['ENTITY' => $this, 'VALUES' => $this->fields->getOriginalValues()]))->send();
            return $row;
        }

        public function fakeClearChanged(): void
        {
            $this->fields->clearChanged();
        }
    }
}
