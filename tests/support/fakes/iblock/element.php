<?php
// CIBlockElement (iblock/classes/mysql/iblockelement.php GetList; iblock/classes/general/iblockelement.php
// GetElementGroups, GetPropertyValuesArray, GetIBlockByID, GetIBlockByIDList): what a catalogue reader calls, over
// FakeStore. Each records the queries the real method sends on the connection's tracker (main/db.php).

use Bitrix\Iblock\FakeElementQuery;
use Bitrix\Iblock\FakeStore;

class CIBlockElement
{
    /** GetElementGroups' columns, its default select (BS.* and the joined ones) in the real order. */
    private const GROUP_FIELDS = ['ID', 'IBLOCK_ID', 'IBLOCK_SECTION_ID', 'ACTIVE', 'GLOBAL_ACTIVE', 'SORT', 'NAME',
        'PICTURE', 'LEFT_MARGIN', 'RIGHT_MARGIN', 'DEPTH_LEVEL', 'DESCRIPTION', 'DESCRIPTION_TYPE', 'CODE', 'XML_ID',
        'DETAIL_PICTURE', 'LIST_PAGE_URL', 'SECTION_PAGE_URL', 'IBLOCK_TYPE_ID', 'IBLOCK_CODE', 'IBLOCK_EXTERNAL_ID',
        'EXTERNAL_ID', 'IBLOCK_ELEMENT_ID'];

    /** @var array<int, int|false> element id => its iblock: the real class's static cache, kept for the hit */
    private static array $elementIblock = [];

    public static function fakeReset(): void
    {
        self::$elementIblock = [];
    }

    /**
     * Rows of the matching elements (values are strings or null, as the database gives them). No order means the
     * table's own order; a multiple property in the select gives one row per value, and nTopCount and pages count
     * those rows. An empty $arGroupBy asks for the count of elements instead.
     */
    public static function GetList($arOrder = ['SORT' => 'ASC'], $arFilter = [], $arGroupBy = false, $arNavStartParams = false, $arSelectFields = [])
    {
        $query = new FakeElementQuery(is_array($arFilter) ? $arFilter : []);
        $elements = $query->matching();
        self::query('SELECT BE.* FROM b_iblock_element BE WHERE ...');
        if ($arGroupBy === true || $arGroupBy === []) {
            return (string)count($elements);
        }
        if ($arGroupBy !== false) {
            throw new \LogicException('the fake core does not group elements');
        }
        $order = is_array($arOrder) ? $arOrder : [];
        $select = is_array($arSelectFields) && $arSelectFields !== [] ? $arSelectFields : ['*'];
        $nav = is_array($arNavStartParams) ? $arNavStartParams : [];
        if (isset($nav['nElementID'])) {
            throw new \LogicException('the fake core does not page around an element');
        }
        // Rows past a LIMIT are never read, which keeps a large fake catalogue's pages quick.
        $enough = (int)($nav['nTopCount'] ?? 0) > 0 ? (int)($nav['nOffset'] ?? 0) + (int)$nav['nTopCount'] : PHP_INT_MAX;
        $rows = [];
        foreach ($query->sort($elements, $order) as $element) {
            if (count($rows) >= $enough) {
                break;
            }
            array_push($rows, ...$query->rows($element, $select, $order));
        }
        if ((int)($nav['nTopCount'] ?? 0) > 0) {
            // Newer cores (iblock 22+) add nOffset as OFFSET to nTopCount's LIMIT; older ones ignore it.
            return new CIBlockResult(array_slice($rows, (int)($nav['nOffset'] ?? 0), (int)$nav['nTopCount']));
        }
        if ($nav === []) {
            return new CIBlockResult($rows);
        }
        // CDBResult::NavQuery counts the rows first.
        self::query('SELECT COUNT(*) FROM b_iblock_element BE WHERE ...');
        [$page, $numbers] = FakeElementQuery::page($rows, count($elements), $nav);
        $result = new CIBlockResult($page);
        [$result->NavRecordCount, $result->NavPageCount, $result->NavPageNomer, $result->NavPageSize] = $numbers;
        return $result;
    }

    /**
     * The sections of one element or of several (b_iblock_section_element joined with b_iblock_section), inactive
     * ones too, in no particular order; IBLOCK_ELEMENT_ID says whose a row is, but only when selected.
     */
    public static function GetElementGroups($ID, $bElementOnly = false, $arSelect = [])
    {
        $ids = array_flip(array_map('intval', is_array($ID) ? $ID : [$ID]));
        $select = array_map('strtoupper', (array)$arSelect);
        $fields = $select === [] ? self::GROUP_FIELDS : array_intersect($select, [...self::GROUP_FIELDS, 'ADDITIONAL_PROPERTY_ID']);
        if (in_array('DESCRIPTION', $fields, true)) {
            $fields[] = 'DESCRIPTION_TYPE';
        }
        if (array_intersect(['LIST_PAGE_URL', 'SECTION_PAGE_URL'], $fields) !== []) {
            array_push($fields, 'ID', 'CODE', 'EXTERNAL_ID', 'IBLOCK_TYPE_ID', 'IBLOCK_ID', 'IBLOCK_CODE', 'IBLOCK_EXTERNAL_ID', 'GLOBAL_ACTIVE');
        }
        $fields = array_values(array_unique($fields));
        self::query('SELECT BS.* FROM b_iblock_section_element BSE INNER JOIN b_iblock_section BS ...');
        $rows = [];
        foreach (FakeStore::$links as [$element, $section]) {
            if (isset($ids[$element], FakeStore::$sections[$section])) {
                $row = FakeStore::sectionRow($section) + ['IBLOCK_ELEMENT_ID' => (string)$element, 'ADDITIONAL_PROPERTY_ID' => null];
                $rows[] = array_map(static fn (string $field) => $row[$field], array_combine($fields, $fields));
            }
        }
        return new CIBlockResult($rows, 'S');
    }

    /** The iblock an element belongs to, or false; asked of the database once per element and hit. */
    public static function GetIBlockByID($ID)
    {
        $id = (int)$ID;
        if ($id <= 0) {
            return false;
        }
        if (!isset(self::$elementIblock[$id])) {
            self::query("select IBLOCK_ID from b_iblock_element where ID=$id");
            $element = FakeStore::$elements[$id] ?? null;
            self::$elementIblock[$id] = $element === null ? false : (int)$element['IBLOCK_ID'];
        }
        return self::$elementIblock[$id];
    }

    /**
     * The iblocks of many elements (id => iblock, the missing ones left out), in one query per 500 elements not yet
     * known to this hit; GetIBlockByID() answers from what it read.
     */
    public static function GetIBlockByIDList(array $list)
    {
        $output = [];
        $unknown = [];
        foreach (array_unique(array_filter(array_map('intval', $list), static fn (int $id) => $id > 0)) as $id) {
            if (!empty(self::$elementIblock[$id])) {
                $output[$id] = self::$elementIblock[$id];
            } else {
                $unknown[] = $id;
            }
        }
        foreach (array_chunk($unknown, 500) as $ids) {
            self::query('select IBLOCK_ID,ID from b_iblock_element where ID in (' . implode(', ', $ids) . ')');
            foreach ($ids as $id) {
                if (isset(FakeStore::$elements[$id])) {
                    $output[$id] = self::$elementIblock[$id] = (int)FakeStore::$elements[$id]['IBLOCK_ID'];
                }
            }
        }
        return $output;
    }

    /**
     * The values of an iblock's active properties (SORT, then ID) for the elements the filter keeps, keyed by
     * property code, filled into $result: into the rows already there when it has some (into their PROPERTIES when
     * they have that key), else one per element. Without GET_RAW_DATA=Y, values with ; & < > " are escaped and the
     * raw ones kept under "~" keys.
     */
    public static function GetPropertyValuesArray(&$result, $iblockID, $filter, $propertyFilter = [], $options = [])
    {
        self::query('SELECT * FROM b_iblock_property WHERE ...');
        $properties = self::activeProperties((int)$iblockID, (array)$propertyFilter);
        if ($properties === []) {
            return;
        }
        self::query('SELECT * FROM b_iblock_element_property WHERE ...');
        // The real method reads each list value's enum row once per call.
        $enums = [];
        $raw = ($options['GET_RAW_DATA'] ?? 'N') === 'Y';
        $fill = empty($result);
        $query = new FakeElementQuery(['IBLOCK_ID' => (int)$iblockID] + (array)$filter);
        foreach ($query->matching() as $element) {
            $id = (int)$element['ID'];
            if (!isset($result[$id]) && !$fill) {
                continue;
            }
            $values = [];
            foreach ($properties as $property) {
                $values[$property['CODE'] ?: $property['ID']] = self::propertyValues($property, $id, $raw);
                if ($property['PROPERTY_TYPE'] === 'L') {
                    foreach (FakeStore::$values[$id][(int)$property['ID']] ?? [] as $stored) {
                        $enums[$stored['VALUE']] ??= self::query('SELECT * FROM b_iblock_property_enum WHERE ID = ' . (int)$stored['VALUE']);
                    }
                }
            }
            if (isset($result[$id]['PROPERTIES'])) {
                $result[$id]['PROPERTIES'] = $values;
            } else {
                $result[$id] = $values;
            }
        }
    }

    private static function activeProperties(int $iblockId, array $filter): array
    {
        $active = in_array($filter['ACTIVE'] ?? '', ['Y', 'N'], true) ? $filter['ACTIVE'] : 'Y';
        $properties = array_filter(FakeStore::$properties, static fn (array $p) => (int)$p['IBLOCK_ID'] === $iblockId
            && $p['ACTIVE'] === $active
            && (!isset($filter['ID']) || in_array((int)$p['ID'], array_map('intval', (array)$filter['ID']), true))
            && (isset($filter['ID']) || !isset($filter['CODE']) || in_array($p['CODE'], (array)$filter['CODE'], true)));
        usort($properties, static fn (array $a, array $b) => [(int)$a['SORT'], (int)$a['ID']] <=> [(int)$b['SORT'], (int)$b['ID']]);
        return $properties;
    }

    /**
     * One property of one element: a multiple one lists its values (list values by their SORT, then text; others
     * in the order they were saved), false when it has none; a single one gives its value or ''.
     */
    private static function propertyValues(array $property, int $elementId, bool $raw): array
    {
        $stored = FakeStore::$values[$elementId][(int)$property['ID']] ?? [];
        $list = $property['PROPERTY_TYPE'] === 'L';
        $enums = $list ? array_map(static fn (array $v) => FakeStore::$enums[(int)$v['VALUE']], $stored) : [];
        if ($list) {
            array_multisort(array_map('intval', array_column($enums, 'SORT')), SORT_ASC, array_column($enums, 'VALUE'), SORT_STRING, $enums, $stored);
        }
        $column = static fn (array $rows, string $key) => array_map(static fn (array $row) => $row[$key] ?? '', $rows);
        $multiple = $property['MULTIPLE'] === 'Y';
        $pick = static fn (array $all, $none) => $multiple ? ($all === [] ? false : $all) : ($all[0] ?? $none);
        $values = $property + ['VALUE_ENUM' => null, 'VALUE_XML_ID' => null, 'VALUE_SORT' => null];
        $values['PROPERTY_VALUE_ID'] = $pick(array_map(static fn (array $v) => (string)$v['ID'], $stored), null);
        $values['VALUE'] = $pick($list ? $column($enums, 'VALUE') : $column($stored, 'VALUE'), '');
        $values['DESCRIPTION'] = $pick($column($stored, 'DESCRIPTION'), '');
        if ($list) {
            $values['VALUE_ENUM_ID'] = $pick($column($enums, 'ID'), null);
            $values['VALUE_ENUM'] = $pick($column($enums, 'VALUE'), $multiple ? false : null);
            $values['VALUE_XML_ID'] = $pick($column($enums, 'XML_ID'), $multiple ? false : null);
        }
        if (!$raw) {
            foreach (['NAME', 'VALUE', 'DESCRIPTION'] as $key) {
                $values['~' . $key] = $values[$key];
                $values[$key] = self::escaped($values[$key]);
            }
        }
        return $values;
    }

    private static function escaped($value)
    {
        if (is_array($value)) {
            return array_map([self::class, 'escaped'], $value);
        }
        return is_string($value) && preg_match('/[;&<>"]/', $value) ? htmlspecialcharsEx($value) : $value;
    }

    /** @return true */
    private static function query(string $sql): bool
    {
        \Bitrix\Main\Application::getConnection()->fakeQuery($sql);
        return true;
    }
}
