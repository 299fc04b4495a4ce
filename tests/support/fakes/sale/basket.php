<?php
// A basket, as sale/lib/basketbase.php, basketitemcollection.php and basket.php behave where the module can see it:
// - every hit loads the shopper's basket afresh from the database (loadItemsForFUser) and puts its items in SORT
//   order, giving equal SORTs new ones (verifyItemSort), which marks those items changed;
// - getOrderableItems() is no filter: it makes a new basket and moves each orderable item into it (the item's
//   collection becomes the new basket), and when the basket has an order, each move is reported to the order;
// - save() of a basket without an order fires OnSaleBasketBeforeSaved and OnSaleBasketSaved every time, changed or
//   not; each item fires its own events (see basketitem.php), and rows gone from a basket loaded for a shopper or an
//   order fire OnBeforeSaleBasketItemDeleted / OnSaleBasketItemDeleted with only VALUES (the stored row).

namespace Bitrix\Sale {

    use Bitrix\Main\Event;
    use Bitrix\Main\EventResult;

    class Basket implements \IteratorAggregate, \Countable
    {
        /** b_sale_basket: stored rows by item id, each {fields, custom, props}. */
        private static array $rows = [];
        private static int $nextItemId = 1;
        private static int $clock = 0;

        /** @var BasketItem[] */
        private array $items = [];
        private ?int $fuserId = null;
        private bool $loadedForFuser = false;
        private ?Order $order = null;
        private int $maxItemSort = 0;
        /** EntityCollection::$anyItemDeleted: set by a deletion, never cleared, so the order stays changed. */
        private bool $anyItemDeleted = false;

        private function __construct(private string $siteId)
        {
        }

        public static function fakeReset(): void
        {
            self::$rows = [];
            self::$nextItemId = 1;
            self::$clock = 0;
            BasketItem::fakeReset();
        }

        public static function fakeNextItemId(): int
        {
            return self::$nextItemId++;
        }

        /** A DATE_UPDATE that differs on every write, as the real timestamp does. */
        public static function fakeNow(): string
        {
            return sprintf('2026-12-01 10:00:%02d.%06d', intdiv(self::$clock, 1000000) % 60, ++self::$clock % 1000000);
        }

        /** A line of an order stored before the module was installed (Order::fakeExisting()), firing no event. */
        public static function fakeStoreLine(array $fields): int
        {
            $id = self::$nextItemId++;
            self::$rows[$id] = ['fields' => ['ID' => $id] + $fields + ['MODULE' => 'catalog', 'CAN_BUY' => 'Y', 'DELAY' => 'N',
                'CUSTOM_PRICE' => 'N', 'CURRENCY' => 'RUB', 'FUSER_ID' => 0, 'SORT' => 100 * $id], 'custom' => false, 'props' => []];
            return $id;
        }

        /**
         * Drops the stored lines of these orders, as Order::fakeForget() drops the orders: the benchmark's history keeps
         * only the page being read in the fake core (bench/history/shop.php), a million lines being too many to hold.
         *
         * @param list<int> $orderIds
         */
        public static function fakeForgetOrders(array $orderIds): void
        {
            $forget = array_flip($orderIds);
            foreach (self::$rows as $id => $row) {
                if (isset($forget[(int)($row['fields']['ORDER_ID'] ?? 0)])) {
                    unset(self::$rows[$id]);
                }
            }
        }

        /** @return list<array> the stored rows' fields, for the tests' own checks */
        public static function fakeStoredRows(): array
        {
            return array_values(array_column(self::$rows, 'fields'));
        }

        public static function create($siteId)
        {
            return new static((string)$siteId);
        }

        public static function loadItemsForFUser($fUserId, $siteId)
        {
            $basket = static::create($siteId);
            $basket->fuserId = (int)$fUserId;
            $basket->loadedForFuser = true;
            $rows = array_filter(self::$rows, static fn (array $r) => (int)$r['fields']['FUSER_ID'] === (int)$fUserId
                && $r['fields']['LID'] === (string)$siteId && (int)($r['fields']['ORDER_ID'] ?? 0) === 0);
            foreach ($rows as $row) {
                $basket->addItem(BasketItem::fakeLoad($basket, $row));
            }
            return $basket;
        }

        /** The lines of a saved order, as Order::load() reads them. */
        public static function fakeLoadForOrder(Order $order): self
        {
            $basket = static::create($order->getSiteId());
            foreach (self::$rows as $row) {
                if ((int)($row['fields']['ORDER_ID'] ?? 0) === $order->getId()) {
                    $basket->addItem(BasketItem::fakeLoad($basket, $row));
                }
            }
            $basket->order = $order;
            return $basket;
        }

        public function createItem($moduleId, $productId, $basketCode = null)
        {
            $item = BasketItem::create($this, $moduleId, $productId, $basketCode);
            $this->addItem($item);
            return $item;
        }

        /** Adds an item: a SORT not above the largest so far is moved after it; an order hears of the new line. */
        public function addItem(BasketItem $item)
        {
            $this->items[] = $item;
            $sort = (int)$item->getField('SORT');
            $this->maxItemSort = $sort <= $this->maxItemSort ? $this->maxItemSort + 100 + $this->maxItemSort % 100 : $sort;
            $item->setFieldNoDemand('SORT', $this->maxItemSort);
            $this->order?->onBasketModify('ADD', $item);
            return $item;
        }

        public function fakeDeleteItem(BasketItem $item): void
        {
            $this->items = array_values(array_filter($this->items, static fn ($i) => $i !== $item));
            $this->anyItemDeleted = true;
            $this->order?->onBasketModify('DELETE', $item);
        }

        public function getBasketItems()
        {
            return $this->items;
        }

        /**
         * A new basket holding the items that can be bought and are not put aside, moved out of this one in SORT
         * order (BasketBase::getOrderableItems()).
         */
        public function getOrderableItems()
        {
            $orderable = static::create($this->siteId);
            if ($this->loadedForFuser) {
                $orderable->fuserId = $this->fuserId;
            }
            $orderable->order = $this->order;
            $sorted = $this->items;
            usort($sorted, static fn (BasketItem $a, BasketItem $b) => (int)$a->getField('SORT') <=> (int)$b->getField('SORT'));
            foreach ($sorted as $item) {
                if ($item->canBuy() && !$item->isDelay()) {
                    $item->setCollection($orderable);
                    $orderable->addItem($item);
                }
            }
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

        /** The sum of the final prices of the lines that are bought. */
        public function getPrice()
        {
            $sum = 0.0;
            foreach ($this->items as $item) {
                if ($item->canBuy() && !$item->isDelay()) {
                    $sum += $item->getFinalPrice();
                }
            }
            return PriceMaths::roundPrecision($sum);
        }

        public function getBasePrice()
        {
            $sum = 0.0;
            foreach ($this->items as $item) {
                if ($item->canBuy() && !$item->isDelay()) {
                    $sum += PriceMaths::roundPrecision($item->getBasePrice() * $item->getQuantity());
                }
            }
            return PriceMaths::roundPrecision($sum);
        }

        public function getSiteId()
        {
            return $this->siteId;
        }

        public function getFUserId($skipCreate = false)
        {
            return $this->fuserId ??= (int)Fuser::getId($skipCreate);
        }

        public function setFUserId($fUserId)
        {
            $this->fuserId = (int)$fUserId;
        }

        public function getOrder()
        {
            return $this->order;
        }

        public function setOrder(Order $order)
        {
            $this->order = $order;
        }

        public function getItemById($id)
        {
            foreach ($this->items as $item) {
                if ((int)$id > 0 && $item->getId() === (int)$id) {
                    return $item;
                }
            }
            return null;
        }

        public function getItemByBasketCode($code)
        {
            foreach ($this->items as $item) {
                if ((string)$item->getBasketCode() === (string)$code) {
                    return $item;
                }
            }
            return null;
        }

        /** The provider refresh of every hit (RefreshFactory); the fake's catalogue prices do not move. */
        public function refresh($strategy = null)
        {
            return new Result();
        }

        public function isChanged()
        {
            foreach ($this->items as $item) {
                if ($item->isChanged()) {
                    return true;
                }
            }
            return $this->anyItemDeleted;
        }

        public function save()
        {
            $result = new Result();
            if ($this->order === null) {
                $before = new Event('sale', 'OnSaleBasketBeforeSaved', ['ENTITY' => $this]);
                $before->send();
                foreach ($before->getResults() as $eventResult) {
                    if ($eventResult->getType() === EventResult::ERROR) {
                        $result->addError(new ResultError('SALE_EVENT_ON_BEFORE_BASKET_SAVED'));
                        return $result;
                    }
                }
            }
            $stored = $this->storedRowIds();
            $orderId = $this->order?->getId() ?? 0;
            foreach ($this->items as $item) {
                $row = $item->fakeSave($orderId);
                if ($row !== null) {
                    self::$rows[$item->getId()] = $row;
                }
            }
            $kept = array_map(static fn (BasketItem $i) => $i->getId(), $this->items);
            foreach (array_diff($stored, $kept) as $id) {
                $values = ['VALUES' => $this->deletedRow($id)];
                (new Event('sale', 'OnBeforeSaleBasketItemDeleted', $values))->send();
                unset(self::$rows[$id]);
                (new Event('sale', 'OnSaleBasketItemDeleted', $values))->send();
            }
            if ($this->order === null) {
                (new Event('sale', 'OnSaleBasketSaved', ['ENTITY' => $this]))->send();
            }
            foreach ($this->items as $item) {
                $item->fakeClearChanged();
            }
            return $result;
        }

        /** Stored rows this basket stands for: only a basket loaded for a shopper or a saved order has any. */
        private function storedRowIds(): array
        {
            $ids = [];
            foreach (self::$rows as $id => $row) {
                $orderId = (int)($row['fields']['ORDER_ID'] ?? 0);
                $mine = $this->order !== null && !$this->order->isNew()
                    ? $orderId === $this->order->getId()
                    : $this->loadedForFuser && $orderId === 0 && (int)$row['fields']['FUSER_ID'] === $this->fuserId && $row['fields']['LID'] === $this->siteId;
                if ($mine) {
                    $ids[] = $id;
                }
            }
            return $ids;
        }

        private function deletedRow(int $id): array
        {
            $fields = self::$rows[$id]['fields'];
            $row = ['ID' => $id, 'TYPE' => null, 'SET_PARENT_ID' => null];
            foreach (['PRODUCT_ID', 'NAME', 'QUANTITY', 'FUSER_ID', 'ORDER_ID'] as $name) {
                $row[$name] = $fields[$name] ?? null;
            }
            return $row + ['ENTITY_REGISTRY_TYPE' => 'ORDER'];
        }
    }
}
