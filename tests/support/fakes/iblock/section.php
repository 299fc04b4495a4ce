<?php
// CIBlockSection::GetList (iblock/classes/mysql/iblocksection.php): sections of an iblock, filtered, ordered, with the
// selected columns (all of them without a select) and the ones the order and the URLs need.

use Bitrix\Iblock\FakeStore;

class CIBlockSection
{
    private const ORDERS = ['id' => 'ID', 'section' => 'IBLOCK_SECTION_ID', 'name' => 'NAME', 'code' => 'CODE',
        'xml_id' => 'XML_ID', 'external_id' => 'XML_ID', 'active' => 'ACTIVE', 'left_margin' => 'LEFT_MARGIN',
        'depth_level' => 'DEPTH_LEVEL', 'sort' => 'SORT'];
    private const NUMERIC = ['ID', 'IBLOCK_SECTION_ID', 'LEFT_MARGIN', 'DEPTH_LEVEL', 'SORT'];
    private const FILTERS = ['ID', 'IBLOCK_ID', 'ACTIVE', 'GLOBAL_ACTIVE', 'DEPTH_LEVEL', 'CODE', 'XML_ID', 'EXTERNAL_ID',
        'SECTION_ID', 'IBLOCK_SECTION_ID'];

    public static function GetList($arOrder = ['SORT' => 'ASC'], $arFilter = [], $bIncCnt = false, $arSelect = [], $arNavStartParams = false)
    {
        if ($bIncCnt) {
            throw new \LogicException('the fake core does not count elements in sections');
        }
        \Bitrix\Main\Application::getConnection()->fakeQuery('SELECT BS.* FROM b_iblock_section BS WHERE ...');
        $rows = array_map([FakeStore::class, 'sectionRow'], array_keys(FakeStore::$sections));
        $rows = array_values(array_filter($rows, static fn (array $row) => self::keeps($row, (array)$arFilter)));
        $orderFields = [];
        $keys = [];
        foreach ((array)$arOrder as $by => $direction) {
            $field = self::ORDERS[strtolower((string)$by)] ?? null;
            if ($field !== null) {
                $orderFields[] = $field;
                $keys[$field] ??= strtolower((string)$direction) === 'asc' ? 1 : -1;
            }
        }
        usort($rows, static function (array $a, array $b) use ($keys): int {
            foreach ($keys as $field => $sign) {
                $cmp = in_array($field, self::NUMERIC, true) ? (int)$a[$field] <=> (int)$b[$field] : strcmp((string)$a[$field], (string)$b[$field]);
                if ($cmp !== 0) {
                    return $sign * $cmp;
                }
            }
            return 0;
        });
        $rows = array_map(static fn (array $row) => self::selected($row, (array)$arSelect, $orderFields), $rows);
        $top = is_array($arNavStartParams) ? (int)($arNavStartParams['nTopCount'] ?? 0) : 0;
        return new CIBlockResult($top > 0 ? array_slice($rows, 0, $top) : $rows, 'S');
    }

    private static function keeps(array $row, array $filter): bool
    {
        foreach ($filter as $key => $value) {
            $field = strtoupper(ltrim((string)$key, '='));
            if ($field === 'CHECK_PERMISSIONS' || $field === 'MIN_PERMISSION') {
                continue;
            }
            if (!in_array($field, self::FILTERS, true)) {
                throw new \LogicException("the fake core does not filter sections by $key");
            }
            $field = ['SECTION_ID' => 'IBLOCK_SECTION_ID', 'EXTERNAL_ID' => 'XML_ID'][$field] ?? $field;
            // SECTION_ID => 0 (or false) asks for the sections at the top of the tree.
            $wanted = array_map(static fn ($v) => $field === 'IBLOCK_SECTION_ID' && !$v ? '' : (string)$v, (array)$value);
            if (!in_array((string)$row[$field], $wanted, true)) {
                return false;
            }
        }
        return true;
    }

    private static function selected(array $row, array $select, array $orderFields): array
    {
        $select = array_map('strtoupper', $select);
        if ($select === [] || in_array('*', $select, true)) {
            return $row;
        }
        $fields = array_merge(array_intersect($select, array_keys($row)), $orderFields);
        if (in_array('DESCRIPTION', $fields, true)) {
            $fields[] = 'DESCRIPTION_TYPE';
        }
        if (array_intersect(['LIST_PAGE_URL', 'SECTION_PAGE_URL'], $fields) !== []) {
            array_push($fields, 'ID', 'CODE', 'EXTERNAL_ID', 'IBLOCK_TYPE_ID', 'IBLOCK_ID', 'IBLOCK_CODE', 'IBLOCK_EXTERNAL_ID', 'GLOBAL_ACTIVE');
        }
        $out = [];
        foreach ($fields as $field) {
            $out[$field] = $row[$field];
        }
        return $out;
    }
}
