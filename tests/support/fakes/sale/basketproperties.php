<?php
// A basket line's properties, as sale/lib/basketpropertiesbase.php, basketpropertiesitembase.php and
// basketproperties.php keep them where the module can see it: rows of b_sale_basket_props kept with the line, their
// changes making the line changed.

namespace Bitrix\Sale {

    /** A row of b_sale_basket_props: NAME, CODE, VALUE, SORT. */
    class BasketPropertyItem
    {
        use SetsFields;

        private array $fields = ['ID' => 0, 'NAME' => '', 'CODE' => '', 'VALUE' => '', 'SORT' => 100];

        public function __construct(private BasketPropertiesCollection $collection, array $fields = [])
        {
            $this->fields = $fields + $this->fields;
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
            if (($this->fields[$name] ?? null) != $value) {
                $this->collection->fakeMarkChanged();
            }
            $this->fields[$name] = $value;
            return new Result();
        }


        public function delete()
        {
            $this->collection->fakeRemove($this);
            return new Result();
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
        private bool $changed = false;

        /** @param list<array> $rows the stored properties */
        public function __construct(array $rows = [])
        {
            foreach ($rows as $row) {
                $this->items[] = new BasketPropertyItem($this, $row);
            }
        }

        public function createItem()
        {
            $this->changed = true;
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

        public function isChanged()
        {
            return $this->changed;
        }

        public function getIterator(): \ArrayIterator
        {
            return new \ArrayIterator($this->items);
        }

        public function count(): int
        {
            return count($this->items);
        }

        public function fakeMarkChanged(): void
        {
            $this->changed = true;
        }

        public function fakeRemove(BasketPropertyItem $item): void
        {
            $this->changed = true;
            $this->items = array_values(array_filter($this->items, static fn ($i) => $i !== $item));
        }

        /** @return list<array> what a save writes */
        public function fakeRows(): array
        {
            $this->changed = false;
            return array_map(static fn (BasketPropertyItem $i) => $i->getFieldValues(), $this->items);
        }
    }
}
