<?php
// Orders read in bulk, as sale/lib/orderbase.php has it: Order::getList() is Internals\OrderTable::getList() (b_sale_order
// through the ORM: DATE_INSERT and DATE_UPDATE as Type\DateTime, numbers as strings), and loadByFilter() makes an
// order object of each row getList() gives for the same filter, order and limit (load($id) is loadByFilter by ID);
// an order's basket is read when it is first asked for. A shop's orders from before the module was installed are
// stored with fakeExisting(), firing no event.

namespace Bitrix\Sale {

    use Bitrix\Main\ORM\FakeQuery;
    use Bitrix\Main\Type\DateTime;

    trait OrderQueries
    {
        public static function getList(array $parameters = [])
        {
            $rows = array_map(static fn (array $stored) => array_map(static fn ($value) => is_int($value) || is_float($value) ? (string)$value : $value,
                $stored['fields']), self::$stored);
            ksort($rows);
            return FakeQuery::getList('Bitrix\\Sale\\Internals\\Order', ['ID', 'LID', 'ACCOUNT_NUMBER', 'USER_ID', 'STATUS_ID', 'CANCELED',
                'DATE_INSERT', 'DATE_UPDATE', 'DATE_STATUS', 'DATE_CANCELED', 'PRICE', 'PRICE_DELIVERY', 'DISCOUNT_VALUE', 'CURRENCY', 'PAYED',
                'SUM_PAID', 'COMMENTS', 'VERSION', 'XML_ID'], $rows, $parameters);
        }

        /** @return list<static> */
        public static function loadByFilter(array $parameters)
        {
            $rows = static::getList(['select' => ['ID']] + array_intersect_key($parameters, array_flip(['filter', 'order', 'limit', 'offset'])));
            $orders = [];
            while ($row = $rows->fetch()) {
                $orders[] = static::load((int)$row['ID']);
            }
            return $orders;
        }

        /**
         * Drops stored orders and their lines without an event, unlike delete(): the benchmark's history keeps only the
         * page being read in the fake core (bench/history/shop.php), a million lines being too many to hold.
         *
         * @param list<int> $ids
         */
        public static function fakeForget(array $ids): void
        {
            foreach ($ids as $id) {
                unset(self::$stored[$id]);
            }
            Basket::fakeForgetOrders($ids);
        }

        /**
         * An order placed before the module was installed: its fields (DATE_INSERT and DATE_UPDATE in the site's format),
         * its properties ([property, value], as PropertyValueCollection keeps them) and its lines (basket item fields).
         */
        public static function fakeExisting(array $fields, array $properties = [], array $lines = []): int
        {
            $id = self::$nextId++;
            foreach (['DATE_INSERT', 'DATE_UPDATE'] as $date) {
                $fields[$date] = new DateTime($fields[$date] ?? '01.12.2026 10:00:00');
            }
            self::$stored[$id] = [
                'fields' => ['ID' => $id, 'ACCOUNT_NUMBER' => (string)$id] + $fields + ['LID' => 's1', 'STATUS_ID' => 'N', 'CANCELED' => 'N',
                    'CURRENCY' => 'RUB', 'PRICE_DELIVERY' => 0.0, 'PAYED' => 'N', 'SUM_PAID' => 0.0, 'VERSION' => 1, 'UPDATED_1C' => 'N'],
                'props' => $properties,
                'payments' => [],
            ];
            foreach ($lines as $line) {
                Basket::fakeStoreLine(['ORDER_ID' => $id, 'LID' => self::$stored[$id]['fields']['LID']] + $line);
            }
            return $id;
        }
    }
}
