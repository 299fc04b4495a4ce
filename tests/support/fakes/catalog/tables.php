<?php
// The catalog's ORM tables a catalogue reader queries (catalog/lib/product.php ProductTable, price.php PriceTable,
// group.php GroupTable, groupaccess.php GroupAccessTable, catalogiblock.php CatalogIblockTable, storeproduct.php
// StoreProductTable) through getList()
// as main/lib/orm/data/datamanager.php offers it. On MySQL only dates come back converted: numbers are strings, as
// mysqli gives them (main/lib/db/mysqlcommonsqlhelper.php getConverter), and a NULL column is null.

namespace Bitrix\Catalog {

    use Bitrix\Main\DB\Result;
    use Bitrix\Main\SystemException;

    abstract class FakeDataManager
    {
        /** @var array<string, array<int, array>> rows by table class, then primary key */
        private static array $rows = [];

        /** @return array<string, mixed> the table's columns with their defaults */
        abstract protected static function columns(): array;

        public static function fakeReset(): void
        {
            self::$rows = [];
        }

        /** A row as the database would hold it; the first column is the primary key. */
        public static function fakeAdd(array $fields): void
        {
            $row = array_merge(static::columns(), $fields);
            $row = array_map(static fn ($value) => $value === null ? null : (string)$value, $row);
            // A numeric key becomes an int, a code (a currency's) stays a string, as PHP keys arrays.
            self::$rows[static::class][reset($row)] = $row;
        }

        public static function fakeDelete(int|string $id): void
        {
            unset(self::$rows[static::class][$id]);
        }

        /** select (names, "*", or alias => name), filter (=, @, !=, !@, <, <=, >, >=, LOGIC groups), order, limit, offset. */
        public static function getList(array $parameters = [])
        {
            \Bitrix\Main\Application::getConnection()->fakeQuery('SELECT ... FROM ' . static::class . ' WHERE ...');
            $rows = array_values(array_filter(self::$rows[static::class] ?? [], static::compile((array)($parameters['filter'] ?? []))));
            $order = (array)($parameters['order'] ?? []);
            usort($rows, static function (array $a, array $b) use ($order): int {
                foreach ($order as $field => $direction) {
                    $cmp = is_numeric($a[$field]) && is_numeric($b[$field]) ? (float)$a[$field] <=> (float)$b[$field] : strcmp((string)$a[$field], (string)$b[$field]);
                    if ($cmp !== 0) {
                        return strtoupper((string)$direction) === 'DESC' ? -$cmp : $cmp;
                    }
                }
                return 0;
            });
            $rows = array_slice($rows, (int)($parameters['offset'] ?? 0), isset($parameters['limit']) ? (int)$parameters['limit'] : null);
            return new Result(array_map(static fn (array $row) => self::selected($row, (array)($parameters['select'] ?? ['*'])), $rows));
        }

        public static function getRow(array $parameters)
        {
            $parameters['limit'] = 1;
            return static::getList($parameters)->fetch() ?: null;
        }

        private static function selected(array $row, array $select): array
        {
            $out = [];
            foreach ($select ?: ['*'] as $alias => $field) {
                if ($field === '*') {
                    $out += $row;
                    continue;
                }
                if (!array_key_exists($field, $row)) {
                    throw new SystemException(sprintf('Unknown field definition `%s` (%s) for %s Entity.', $field, $field, static::class));
                }
                $out[is_string($alias) ? $alias : $field] = $row[$field];
            }
            return $out;
        }

        /** @return \Closure(array): bool the filter made once: a page's ids are asked of every row */
        private static function compile(array $filter): \Closure
        {
            $or = strtoupper((string)($filter['LOGIC'] ?? 'AND')) === 'OR';
            unset($filter['LOGIC']);
            $tests = [];
            foreach ($filter as $key => $value) {
                $tests[] = is_int($key) ? self::compile((array)$value) : self::condition((string)$key, $value);
            }
            return static function (array $row) use ($tests, $or): bool {
                foreach ($tests as $test) {
                    if ($test($row) === $or) {
                        return $or;
                    }
                }
                return !$or;
            };
        }

        private static function condition(string $key, $value): \Closure
        {
            preg_match('/^(!=|!@|>=|<=|=|@|>|<|!)?(.+)$/', $key, $m);
            [$op, $field] = [ltrim($m[1], '!'), $m[2]];
            $negate = str_starts_with($m[1], '!');
            $wanted = array_flip(array_map('strval', (array)$value));
            $entity = static::class;
            return static function (array $row) use ($op, $field, $negate, $value, $wanted, $entity): bool {
                if (!array_key_exists($field, $row)) {
                    throw new SystemException(sprintf('Unknown field definition `%s` (%s) for %s Entity.', $field, $field, $entity));
                }
                $have = $row[$field];
                $result = match ($op) {
                    '>' => $have !== null && (float)$have > (float)$value,
                    '>=' => $have !== null && (float)$have >= (float)$value,
                    '<' => $have !== null && (float)$have < (float)$value,
                    '<=' => $have !== null && (float)$have <= (float)$value,
                    default => $value === null ? $have === null : $have !== null && isset($wanted[$have]),
                };
                return $result !== $negate;
            };
        }
    }

    /** Catalog data of an element: its kind (TYPE), whether it can be bought (AVAILABLE) and its stock. */
    class ProductTable extends FakeDataManager
    {
        public const STATUS_YES = 'Y';
        public const STATUS_NO = 'N';
        public const STATUS_DEFAULT = 'D';
        public const TYPE_PRODUCT = 1;
        public const TYPE_SET = 2;
        public const TYPE_SKU = 3;
        public const TYPE_OFFER = 4;
        public const TYPE_FREE_OFFER = 5;
        public const TYPE_EMPTY_SKU = 6;

        protected static function columns(): array
        {
            return ['ID' => 0, 'QUANTITY' => 0, 'QUANTITY_TRACE' => 'D', 'WEIGHT' => 0, 'VAT_ID' => null,
                'VAT_INCLUDED' => 'Y', 'CAN_BUY_ZERO' => 'D', 'PURCHASING_PRICE' => null, 'PURCHASING_CURRENCY' => null,
                'QUANTITY_RESERVED' => 0, 'MEASURE' => null, 'TYPE' => self::TYPE_PRODUCT, 'AVAILABLE' => 'Y', 'BUNDLE' => 'N'];
        }
    }

    /** One price of a product: its price type (CATALOG_GROUP_ID), the amount, the currency and a quantity range. */
    class PriceTable extends FakeDataManager
    {
        protected static function columns(): array
        {
            return ['ID' => 0, 'PRODUCT_ID' => 0, 'EXTRA_ID' => null, 'CATALOG_GROUP_ID' => 1, 'PRICE' => '0.00',
                'CURRENCY' => 'RUB', 'QUANTITY_FROM' => null, 'QUANTITY_TO' => null, 'TMP_ID' => null, 'PRICE_SCALE' => null];
        }
    }

    /** A price type; BASE = Y marks the base one. */
    class GroupTable extends FakeDataManager
    {
        protected static function columns(): array
        {
            return ['ID' => 0, 'NAME' => 'BASE', 'BASE' => 'N', 'SORT' => 100, 'XML_ID' => null];
        }
    }

    /** Which user groups may see (N) or buy at (Y) a price type. */
    class GroupAccessTable extends FakeDataManager
    {
        public const ACCESS_BUY = 'Y';
        public const ACCESS_VIEW = 'N';

        protected static function columns(): array
        {
            return ['ID' => 0, 'CATALOG_GROUP_ID' => 0, 'GROUP_ID' => 2, 'ACCESS' => self::ACCESS_BUY];
        }
    }

    /** A catalog iblock; an offers iblock names its products' iblock and the property linking each offer to one. */
    class CatalogIblockTable extends FakeDataManager
    {
        protected static function columns(): array
        {
            return ['IBLOCK_ID' => 0, 'YANDEX_EXPORT' => 'N', 'SUBSCRIPTION' => 'N', 'VAT_ID' => null,
                'PRODUCT_IBLOCK_ID' => 0, 'SKU_PROPERTY_ID' => 0];
        }
    }

    /** How much of a product (PRODUCT_ID) one warehouse (STORE_ID) holds. */
    class StoreProductTable extends FakeDataManager
    {
        protected static function columns(): array
        {
            return ['ID' => 0, 'STORE_ID' => 0, 'PRODUCT_ID' => 0, 'AMOUNT' => 0];
        }
    }
}
