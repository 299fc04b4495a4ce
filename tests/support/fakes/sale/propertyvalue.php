<?php
// An order's properties (sale/lib/propertyvalue.php, propertyvaluecollection.php): the values of the order's
// properties, found by the property's flags (IS_EMAIL, IS_PHONE, IS_PAYER) or its CODE.

namespace Bitrix\Sale {

    class PropertyValue
    {
        private $value = null;

        public function __construct(private array $property, $value = null)
        {
            $this->value = $value;
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

        /** @return list<array{0: array, 1: mixed}> */
        public function fakeRows(): array
        {
            return array_map(static fn (PropertyValue $v) => [$v->getProperty(), $v->getValue()], $this->items);
        }

        public static function fakeLoad(array $rows): self
        {
            $collection = new self();
            foreach ($rows as [$property, $value]) {
                $collection->items[] = new PropertyValue($property, $value);
            }
            return $collection;
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
}
