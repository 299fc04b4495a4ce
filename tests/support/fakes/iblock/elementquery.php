<?php
// How CIBlockElement::GetList builds its query (iblock/classes/general/iblockelement.php: PrepareGetList, MkFilter,
// MkPropertySelect; iblock/classes/mysql/iblockelement.php: GetList, prepareSql) and CDBResult::NavQuery pages it
// (main/classes/mysql/database.php), for an iblock of VERSION 1 (property values in the common table).

namespace Bitrix\Iblock;

final class FakeElementQuery
{
    /** The columns of b_iblock_element and its joins that "*" selects, in the real list's order. */
    private const FIELDS = ['ID', 'TIMESTAMP_X', 'DATE_CREATE', 'IBLOCK_ID', 'IBLOCK_SECTION_ID', 'ACTIVE', 'ACTIVE_FROM',
        'ACTIVE_TO', 'SORT', 'NAME', 'PREVIEW_PICTURE', 'PREVIEW_TEXT', 'PREVIEW_TEXT_TYPE', 'DETAIL_PICTURE',
        'DETAIL_TEXT', 'DETAIL_TEXT_TYPE', 'WF_STATUS_ID', 'WF_PARENT_ELEMENT_ID', 'IN_SECTIONS', 'CODE', 'TAGS',
        'XML_ID', 'EXTERNAL_ID', 'LANG_DIR', 'LID', 'IBLOCK_TYPE_ID', 'IBLOCK_CODE', 'IBLOCK_EXTERNAL_ID',
        'DETAIL_PAGE_URL', 'LIST_PAGE_URL'];
    private const URL_FIELDS = ['LANG_DIR', 'ID', 'CODE', 'EXTERNAL_ID', 'IBLOCK_SECTION_ID', 'IBLOCK_TYPE_ID',
        'IBLOCK_ID', 'IBLOCK_CODE', 'IBLOCK_EXTERNAL_ID', 'LID'];
    private const ORDERS = ['ID', 'NAME', 'XML_ID', 'CODE', 'TIMESTAMP_X', 'IBLOCK_ID', 'ACTIVE', 'SORT',
        'IBLOCK_SECTION_ID'];
    private const NUMERIC = ['ID', 'IBLOCK_ID', 'SORT', 'IBLOCK_SECTION_ID'];
    /** What CProductQueryBuilder (catalog/general/querybuilder.php) joins in when the catalog module is there. */
    private const CATALOG_FIELDS = '/^(CATALOG_.+|(PRICE|CURRENCY|PRICE_SCALE|QUANTITY_FROM|QUANTITY_TO|STORE_AMOUNT)_\d+|AVAILABLE|TYPE|QUANTITY|BUNDLE)$/';
    private const IGNORED = ['CHECK_PERMISSIONS', 'MIN_PERMISSION', 'SHOW_HISTORY', 'SHOW_NEW', 'INCLUDE_SUBSECTIONS'];

    private int $iblockId;
    /** @var list<array{string, string, bool, mixed, array<string, int>}> field, operation, negated, value, values as keys */
    private array $conditions = [];

    /** The filter is read once: a page's ids are asked of every element. */
    public function __construct(private array $filter)
    {
        $this->iblockId = isset($filter['IBLOCK_ID']) && !is_array($filter['IBLOCK_ID']) ? (int)$filter['IBLOCK_ID'] : 0;
        foreach ($filter as $key => $value) {
            if (!preg_match('/^(!=|!@|>=|<=|!|>|<|=|@)?([A-Z_0-9]+)$/i', (string)$key, $m)) {
                throw new \LogicException("the fake core does not filter by $key");
            }
            $field = strtoupper($m[2]);
            if (in_array($field, self::IGNORED, true)) {
                continue;
            }
            $values = array_map(static fn ($v) => is_array($v) ? '' : (string)$v, is_array($value) ? $value : [$value]);
            $this->conditions[] = [$field, ltrim($m[1], '!'), str_starts_with($m[1], '!'), $value, array_flip($values)];
        }
    }

    /** @return list<array> the stored elements the filter keeps, in the table's own order */
    public function matching(): array
    {
        return array_values(array_filter(FakeStore::$elements, fn (array $element) => $this->keeps($element)));
    }

    /** CIBlock::_Order: [direction, nulls first]; anything else than these is "desc" (the default for elements). */
    private const DIRECTIONS = ['nulls,asc' => [1, true], 'asc,nulls' => [1, false], 'nulls,desc' => [-1, true],
        'desc,nulls' => [-1, false], 'asc' => [1, true], 'desc' => [-1, false]];

    /** Unknown keys sort by ID, as the real core does; no order at all leaves the table's own order. */
    public function sort(array $elements, array $order): array
    {
        $keys = [];
        foreach ($order as $by => $direction) {
            $by = strtoupper((string)$by);
            $by = ['EXTERNAL_ID' => 'XML_ID'][$by] ?? $by;
            if (str_starts_with($by, 'PROPERTY')) {
                throw new \LogicException("the fake core does not sort by $by");
            }
            $keys[in_array($by, self::ORDERS, true) ? $by : 'ID'] ??= self::DIRECTIONS[strtolower(trim((string)$direction))] ?? [-1, false];
        }
        usort($elements, static function (array $a, array $b) use ($keys): int {
            foreach ($keys as $by => [$sign, $nullsFirst]) {
                [$x, $y] = [$a[$by] ?? null, $b[$by] ?? null];
                if ($x === null || $y === null) {
                    $cmp = ($x !== null) <=> ($y !== null);
                    $cmp = $nullsFirst ? $cmp : -$cmp;
                } else {
                    $cmp = $sign * (in_array($by, self::NUMERIC, true)
                        ? (int)$x <=> (int)$y
                        : strcmp(mb_strtolower($x), mb_strtolower($y)));
                }
                if ($cmp !== 0) {
                    return $cmp;
                }
            }
            return 0;
        });
        return $elements;
    }

    /**
     * The rows of one element: the selected columns (order fields and the URL's fields added as the real core adds
     * them), one row per combination of values of the selected properties, one row with nulls when one has none.
     */
    public function rows(array $element, array $select, array $order): array
    {
        $rows = [[]];
        $star = false;
        $shown = [];
        $full = $this->fields($element);
        foreach (array_merge($select, $this->orderFields($order)) as $name) {
            $name = strtoupper((string)$name);
            if ($name === '*') {
                $star = true;
            } elseif (isset($shown[$name])) {
                continue;
            } elseif (array_key_exists($name, $full)) {
                $rows = self::append($rows, [[$name => $full[$name]]]);
            } elseif (preg_match(self::CATALOG_FIELDS, $name)) {
                throw new \LogicException("the fake core does not join the catalog's $name into elements: read ProductTable or PriceTable");
            } elseif (str_starts_with($name, 'PROPERTY_') && ($property = FakeStore::findProperty($this->iblockId, substr($name, 9)))) {
                $rows = self::append($rows, $this->propertyColumns($name, $property, (int)$element['ID']));
            }
            $shown[$name] = true;
        }
        $added = $star ? self::FIELDS : $this->addedFields($shown);
        foreach ($added as $name) {
            if (!isset($shown[$name])) {
                $rows = self::append($rows, [[$name => $full[$name]]]);
            }
        }
        return $rows;
    }

    /**
     * CDBResult::NavQuery: a page past the last gives the first again, unless checkOutOfRange asks for nothing.
     *
     * @return array{0: list<array>, 1: array{int, int, int, int}} the page's rows; count, pages, page number, size
     */
    public static function page(array $rows, int $count, array $nav): array
    {
        $size = (int)($nav['nPageSize'] ?? 0);
        $pages = $size > 0 ? (int)ceil($count / $size) : 0;
        $asked = (int)($nav['iNumPage'] ?? 1);
        $inRange = $asked >= 1 && $asked <= $pages;
        if (!$inRange && ($nav['checkOutOfRange'] ?? false) === true) {
            return [[], [$count, $pages, $asked, $size]];
        }
        $number = $inRange ? $asked : 1;
        return [array_slice($rows, ($number - 1) * $size, $size), [$count, $pages, $number, $size]];
    }

    private function keeps(array $element): bool
    {
        foreach ($this->conditions as [$field, $op, $negate, $value, $wanted]) {
            if ($this->test($element, $field, $op, $value, $wanted) === $negate) {
                return false;
            }
        }
        return true;
    }

    /** @param array<string, int> $wanted the filter's values as keys */
    private function test(array $element, string $field, string $op, $value, array $wanted): bool
    {
        if ($field === 'SECTION_ID') {
            return $this->inSections((int)$element['ID'], $value);
        }
        if (str_starts_with($field, 'PROPERTY_')) {
            $property = FakeStore::findProperty($this->iblockId ?: (int)$element['IBLOCK_ID'], substr($field, 9))
                ?? throw new \LogicException("no property $field to filter by");
            foreach (FakeStore::$values[(int)$element['ID']][(int)$property['ID']] ?? [] as $stored) {
                if (isset($wanted[$stored['VALUE']])) {
                    return true;
                }
            }
            return false;
        }
        $field = $field === 'EXTERNAL_ID' ? 'XML_ID' : $field;
        if (!array_key_exists($field, $element)) {
            throw new \LogicException("the fake core does not filter by $field");
        }
        $have = $element[$field];
        return match ($op) {
            '>' => (int)$have > (int)$value,
            '>=' => (int)$have >= (int)$value,
            '<' => (int)$have < (int)$value,
            '<=' => (int)$have <= (int)$value,
            default => $have !== null && isset($wanted[$have]),
        };
    }

    /** SECTION_ID: linked to one of the sections (or a section below them with INCLUDE_SUBSECTIONS=Y); 0: to none. */
    private function inSections(int $elementId, $value): bool
    {
        $wanted = array_map('intval', (array)$value);
        if ($wanted === [0]) {
            return FakeStore::sectionsOf($elementId) === [];
        }
        if (($this->filter['INCLUDE_SUBSECTIONS'] ?? 'N') === 'Y') {
            $wanted = array_merge(...array_map([FakeStore::class, 'subtree'], $wanted));
        }
        return array_intersect(FakeStore::sectionsOf($elementId), $wanted) !== [];
    }

    private function fields(array $element): array
    {
        $iblock = FakeStore::$iblocks[(int)$element['IBLOCK_ID']] ?? [];
        $full = $element + ['ACTIVE_FROM' => null, 'ACTIVE_TO' => null];
        $full['EXTERNAL_ID'] = $element['XML_ID'];
        $full += ['LANG_DIR' => '/', 'LID' => $iblock['LID'] ?? 's1', 'IBLOCK_TYPE_ID' => $iblock['IBLOCK_TYPE_ID'] ?? null,
            'IBLOCK_CODE' => $iblock['CODE'] ?? null, 'IBLOCK_EXTERNAL_ID' => $iblock['XML_ID'] ?? null,
            'DETAIL_PAGE_URL' => $iblock['DETAIL_PAGE_URL'] ?? null, 'LIST_PAGE_URL' => $iblock['LIST_PAGE_URL'] ?? null];
        return array_intersect_key($full, array_flip(self::FIELDS));
    }

    private function orderFields(array $order): array
    {
        $fields = [];
        foreach (array_keys($order) as $by) {
            $by = strtoupper((string)$by);
            $by = ['EXTERNAL_ID' => 'XML_ID'][$by] ?? $by;
            $fields[] = in_array($by, self::ORDERS, true) ? $by : 'ID';
        }
        return $fields;
    }

    /** A URL needs the fields its template may name; a text needs its type to be formatted. */
    private function addedFields(array $shown): array
    {
        $added = isset($shown['DETAIL_PAGE_URL']) ? self::URL_FIELDS : (isset($shown['LIST_PAGE_URL'])
            ? ['LANG_DIR', 'IBLOCK_TYPE_ID', 'IBLOCK_ID', 'IBLOCK_CODE', 'IBLOCK_EXTERNAL_ID', 'LID'] : []);
        foreach (['DETAIL_TEXT', 'PREVIEW_TEXT'] as $text) {
            if (isset($shown[$text])) {
                $added[] = $text . '_TYPE';
            }
        }
        return $added;
    }

    /** @return list<array> the columns of a selected property, one set per value row the join gives */
    private function propertyColumns(string $name, array $property, int $elementId): array
    {
        $values = FakeStore::$values[$elementId][(int)$property['ID']] ?? [];
        $list = $property['PROPERTY_TYPE'] === 'L';
        $sets = [];
        foreach ($values ?: [null] as $value) {
            $enum = $list && $value !== null ? FakeStore::$enums[(int)$value['VALUE']] ?? null : null;
            $set = [$name . '_VALUE' => $list ? $enum['VALUE'] ?? null : $value['VALUE'] ?? null];
            if ($list) {
                $set[$name . '_ENUM_ID'] = $enum['ID'] ?? null;
            }
            $set[$name . '_VALUE_ID'] = $value === null ? null : (string)$value['ID'];
            $sets[] = $set;
        }
        return $sets;
    }

    /** @param list<array> $rows  @param list<array> $sets */
    private static function append(array $rows, array $sets): array
    {
        $out = [];
        foreach ($rows as $row) {
            foreach ($sets as $set) {
                $out[] = $row + $set;
            }
        }
        return $out;
    }
}
