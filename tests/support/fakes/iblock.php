<?php
// Catalogue elements and sections (iblock/lib/elementtable.php, sectiontable.php, both ORM DataManagers):
// getRow() gives the first row matching the filter, with the selected fields, or null.

namespace Bitrix\Iblock {

    abstract class FakeTable
    {
        /** @var array<string, array<int, array>> rows by table class, then id */
        private static array $rows = [];

        public static function fakeReset(): void
        {
            self::$rows = [];
        }

        public static function fakeAdd(int $id, array $fields): void
        {
            self::$rows[static::class][$id] = ['ID' => (string)$id] + array_map('strval', $fields);
        }

        public static function fakeDelete(int $id): void
        {
            unset(self::$rows[static::class][$id]);
        }

        public static function getRow(array $parameters)
        {
            \Bitrix\Main\Application::getConnection()->fakeQuery('SELECT ... FROM ' . static::class . ' LIMIT 1');
            foreach (self::$rows[static::class] ?? [] as $row) {
                if (self::matches($row, (array)($parameters['filter'] ?? []))) {
                    $select = (array)($parameters['select'] ?? ['*']);
                    return in_array('*', $select, true) ? $row : array_intersect_key($row, array_flip($select));
                }
            }
            return null;
        }

        private static function matches(array $row, array $filter): bool
        {
            foreach ($filter as $key => $value) {
                if ((string)($row[ltrim((string)$key, '=')] ?? '') !== (string)$value) {
                    return false;
                }
            }
            return true;
        }
    }

    class ElementTable extends FakeTable
    {
    }

    class SectionTable extends FakeTable
    {
    }
}
