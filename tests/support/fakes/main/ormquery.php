<?php
// What getList() of an ORM entity (main/lib/orm/data/datamanager.php, orm/query/query.php) answers, for the fake
// tables that keep their rows in PHP: filter (=, @, !=, !@, <, <=, >, >= on ids, strings and Type\Date values; a
// condition on a field the entity lacks is an error, as the real query's), select (names or "*"; an unknown name is
// an error), group (distinct values of the selected fields), order, limit, offset, count_total (getCount(), which
// counts every row the filter passes, limit or not). Each call counts as one query on the connection.

namespace Bitrix\Main\ORM {

    use Bitrix\Main\Application;
    use Bitrix\Main\DB\Result;
    use Bitrix\Main\SystemException;
    use Bitrix\Main\Type\Date;

    final class FakeQuery
    {
        /**
         * @param string $entity the table's name, for errors
         * @param list<string> $fields every field of the entity
         * @param iterable<array> $rows the table's rows, keyed by field
         */
        public static function getList(string $entity, array $fields, iterable $rows, array $parameters): Result
        {
            Application::getConnection()->fakeQuery('SELECT ... FROM ' . $entity . ' WHERE ...');
            $known = array_flip($fields);
            $filter = (array)($parameters['filter'] ?? []);
            $matched = [];
            foreach ($rows as $row) {
                if (self::passes($entity, $known, $row, $filter)) {
                    $matched[] = $row;
                }
            }
            $order = (array)($parameters['order'] ?? []);
            usort($matched, static function (array $a, array $b) use ($order): int {
                foreach ($order as $field => $direction) {
                    $cmp = self::compare($a[$field] ?? null, $b[$field] ?? null);
                    if ($cmp !== 0) {
                        return strtoupper((string)$direction) === 'DESC' ? -$cmp : $cmp;
                    }
                }
                return 0;
            });
            $select = (array)($parameters['select'] ?? ['*']);
            $selected = array_map(static fn (array $row) => self::selected($entity, $known, $row, $select), $matched);
            if (isset($parameters['group'])) {
                $selected = array_values(array_unique($selected, SORT_REGULAR));
            }
            $count = count($selected);
            $page = array_slice($selected, (int)($parameters['offset'] ?? 0), isset($parameters['limit']) ? (int)$parameters['limit'] : null);
            return new Result($page, !empty($parameters['count_total']) ? $count : null);
        }

        private static function passes(string $entity, array $known, array $row, array $filter): bool
        {
            $or = strtoupper((string)($filter['LOGIC'] ?? 'AND')) === 'OR';
            unset($filter['LOGIC']);
            foreach ($filter as $key => $value) {
                $passed = is_int($key) ? self::passes($entity, $known, $row, (array)$value) : self::condition($entity, $known, $row, (string)$key, $value);
                if ($passed === $or) {
                    return $or;
                }
            }
            return !$or;
        }

        private static function condition(string $entity, array $known, array $row, string $key, mixed $value): bool
        {
            preg_match('/^(!=|!@|>=|<=|=|@|>|<|!)?(.+)$/', $key, $m);
            [$op, $field, $negate] = [ltrim($m[1], '!'), $m[2], str_starts_with($m[1], '!')];
            if (!isset($known[$field])) {
                throw new SystemException(sprintf('Unknown field definition `%s` (%s) for %s Entity.', $field, $field, $entity));
            }
            $have = $row[$field] ?? null;
            $result = match ($op) {
                '>' => $have !== null && self::compare($have, $value) > 0,
                '>=' => $have !== null && self::compare($have, $value) >= 0,
                '<' => $have !== null && self::compare($have, $value) < 0,
                '<=' => $have !== null && self::compare($have, $value) <= 0,
                '@' => $have !== null && in_array((string)$have, array_map('strval', (array)$value), true),
                default => $value === null ? $have === null : $have !== null && self::compare($have, $value) === 0,
            };
            return $result !== $negate;
        }

        private static function compare(mixed $a, mixed $b): int
        {
            if ($a instanceof Date || $b instanceof Date) {
                return ($a instanceof Date ? $a->getTimestamp() : (int)$a) <=> ($b instanceof Date ? $b->getTimestamp() : (int)$b);
            }
            return is_numeric($a) && is_numeric($b) ? (float)$a <=> (float)$b : strcmp((string)$a, (string)$b);
        }

        private static function selected(string $entity, array $known, array $row, array $select): array
        {
            $out = [];
            foreach ($select ?: ['*'] as $alias => $field) {
                if ($field === '*') {
                    $out += array_intersect_key($row, $known) + array_fill_keys(array_keys($known), null);
                    continue;
                }
                if (!isset($known[$field])) {
                    throw new SystemException(sprintf('Unknown field definition `%s` (%s) for %s Entity.', $field, $field, $entity));
                }
                $out[is_string($alias) ? $alias : $field] = $row[$field] ?? null;
            }
            return $out;
        }
    }
}
