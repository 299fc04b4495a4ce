<?php
// What the iblock module keeps in its tables (iblock/install/db/mysql/install.sql: b_iblock, b_iblock_section,
// b_iblock_element, b_iblock_section_element, b_iblock_property, b_iblock_property_enum and the common values table
// b_iblock_element_property of an iblock of VERSION 1, the default storage). Only the fakes read it; the module sees
// it through CIBlockElement, CIBlockSection and the catalog's classes, as on a real site.

namespace Bitrix\Iblock;

final class FakeStore
{
    /** @var array<int, array> */
    public static array $iblocks = [];
    /** @var array<int, array> */
    public static array $sections = [];
    /** @var array<int, array> elements in the order they were inserted: a table without ORDER BY reads that way */
    public static array $elements = [];
    /** @var list<array{0: int, 1: int}> rows of b_iblock_section_element: [element id, section id] */
    public static array $links = [];
    /** @var array<int, array> */
    public static array $properties = [];
    /** @var array<int, array> */
    public static array $enums = [];
    /** @var array<int, array<int, list<array{ID: int, VALUE: string, DESCRIPTION: ?string}>>> element => property => values */
    public static array $values = [];
    private static int $nextValueId = 1;
    /** @var array<int, array<int, array{int, int}>> margins by iblock, made again when a section is added */
    private static array $margins = [];

    public static function reset(): void
    {
        self::$iblocks = self::$sections = self::$elements = self::$links = [];
        self::$properties = self::$enums = self::$values = self::$margins = [];
        self::$nextValueId = 1;
    }

    /** An iblock; DETAIL_PAGE_URL is its template (#SITE_DIR#, #ELEMENT_ID#, #SECTION_CODE#…), as in its settings. */
    public static function addIblock(int $id, array $fields = []): void
    {
        self::$iblocks[$id] = ['ID' => (string)$id] + $fields + [
            'IBLOCK_TYPE_ID' => 'catalog', 'CODE' => 'iblock' . $id, 'XML_ID' => '', 'LID' => 's1', 'ACTIVE' => 'Y',
            'DETAIL_PAGE_URL' => '#SITE_DIR#/catalog/#SECTION_CODE#/#ELEMENT_CODE#/',
            'SECTION_PAGE_URL' => '#SITE_DIR#/catalog/#SECTION_CODE#/', 'LIST_PAGE_URL' => '#SITE_DIR#/catalog/',
        ];
    }

    public static function addSection(int $id, int $iblockId, array $fields = []): void
    {
        unset(self::$margins[$iblockId]);
        self::$sections[$id] = ['ID' => (string)$id, 'IBLOCK_ID' => (string)$iblockId] + array_map(
            static fn ($value) => $value === null ? null : (string)$value,
            $fields + ['IBLOCK_SECTION_ID' => null, 'ACTIVE' => 'Y', 'SORT' => '500', 'NAME' => 'Section ' . $id,
                'CODE' => 'section-' . $id, 'XML_ID' => (string)$id, 'DESCRIPTION' => '', 'DESCRIPTION_TYPE' => 'text',
                'PICTURE' => null, 'DETAIL_PICTURE' => null]
        );
    }

    /**
     * An element with its sections (the first is its main one, IBLOCK_SECTION_ID) and property values by property
     * code: a value or a list of them; a list property's value is its enum id.
     */
    public static function addElement(int $id, int $iblockId, array $fields = [], array $sectionIds = [], array $properties = []): void
    {
        $main = $sectionIds === [] ? null : (string)$sectionIds[0];
        self::$elements[$id] = ['ID' => (string)$id, 'IBLOCK_ID' => (string)$iblockId] + array_map(
            static fn ($value) => $value === null ? null : (string)$value,
            $fields + ['IBLOCK_SECTION_ID' => $main, 'ACTIVE' => 'Y', 'SORT' => '500', 'NAME' => 'Element ' . $id,
                'CODE' => 'element-' . $id, 'XML_ID' => (string)$id, 'PREVIEW_TEXT' => '', 'PREVIEW_TEXT_TYPE' => 'text',
                'DETAIL_TEXT' => '', 'DETAIL_TEXT_TYPE' => 'html', 'PREVIEW_PICTURE' => null, 'DETAIL_PICTURE' => null,
                'IN_SECTIONS' => $sectionIds === [] ? 'N' : 'Y', 'WF_STATUS_ID' => '1', 'WF_PARENT_ELEMENT_ID' => null,
                'TIMESTAMP_X' => '07.12.2026 03:00:00', 'DATE_CREATE' => '07.12.2026 03:00:00', 'TAGS' => '']
        );
        foreach ($sectionIds as $sectionId) {
            self::$links[] = [$id, (int)$sectionId];
        }
        foreach ($properties as $code => $value) {
            self::setValues($id, self::property($iblockId, (string)$code)['ID'], is_array($value) ? $value : [$value]);
        }
    }

    /** CIBlockElement::Delete: the element, its section links and its property values go. */
    public static function deleteElement(int $id): void
    {
        unset(self::$elements[$id], self::$values[$id]);
        self::$links = array_values(array_filter(self::$links, static fn (array $link) => $link[0] !== $id));
    }

    /** A property: PROPERTY_TYPE S (string), N, L (list), E (element link); MULTIPLE Y or N. */
    public static function addProperty(int $id, int $iblockId, string $code, array $fields = []): void
    {
        self::$properties[$id] = ['ID' => (string)$id, 'IBLOCK_ID' => (string)$iblockId, 'CODE' => $code] + $fields + [
            'NAME' => $code, 'ACTIVE' => 'Y', 'SORT' => '500', 'DEFAULT_VALUE' => '', 'PROPERTY_TYPE' => 'S',
            'ROW_COUNT' => '1', 'COL_COUNT' => '30', 'LIST_TYPE' => 'L', 'MULTIPLE' => 'N', 'XML_ID' => null,
            'FILE_TYPE' => '', 'MULTIPLE_CNT' => '5', 'LINK_IBLOCK_ID' => '0', 'WITH_DESCRIPTION' => 'N',
            'SEARCHABLE' => 'N', 'FILTRABLE' => 'N', 'IS_REQUIRED' => 'N', 'VERSION' => '1', 'USER_TYPE' => null,
            'USER_TYPE_SETTINGS' => null, 'HINT' => '',
        ];
    }

    public static function addEnum(int $id, int $propertyId, string $value, string $xmlId, int $sort = 500): void
    {
        self::$enums[$id] = ['ID' => (string)$id, 'PROPERTY_ID' => (string)$propertyId, 'VALUE' => $value,
            'XML_ID' => $xmlId, 'SORT' => (string)$sort, 'DEF' => 'N'];
    }

    /** The property of an iblock by code or id, or null: what CIBlockProperty::GetPropertyArray finds. */
    public static function findProperty(int $iblockId, string $codeOrId): ?array
    {
        foreach (self::$properties as $property) {
            $named = ctype_digit($codeOrId) ? $property['ID'] === $codeOrId : strtoupper($property['CODE']) === strtoupper($codeOrId);
            if ($named && ($iblockId === 0 || (int)$property['IBLOCK_ID'] === $iblockId)) {
                return $property;
            }
        }
        return null;
    }

    /** @return list<int> an element's sections in the order of b_iblock_section_element */
    public static function sectionsOf(int $elementId): array
    {
        $ids = [];
        foreach (self::$links as [$element, $section]) {
            if ($element === $elementId) {
                $ids[] = $section;
            }
        }
        return $ids;
    }

    /** @return list<int> a section and every section below it */
    public static function subtree(int $sectionId): array
    {
        $ids = [$sectionId];
        foreach (self::$sections as $id => $section) {
            if ((int)$section['IBLOCK_SECTION_ID'] === $sectionId) {
                array_push($ids, ...self::subtree($id));
            }
        }
        return $ids;
    }

    /** A section is globally active when it and every section above it are active (b_iblock_section.GLOBAL_ACTIVE). */
    public static function globalActive(int $sectionId): string
    {
        for ($id = $sectionId; isset(self::$sections[$id]); $id = (int)self::$sections[$id]['IBLOCK_SECTION_ID']) {
            if (self::$sections[$id]['ACTIVE'] !== 'Y') {
                return 'N';
            }
        }
        return 'Y';
    }

    public static function depth(int $sectionId): int
    {
        $depth = 0;
        for ($id = $sectionId; isset(self::$sections[$id]); $id = (int)self::$sections[$id]['IBLOCK_SECTION_ID']) {
            $depth++;
        }
        return $depth;
    }

    /**
     * A section's row as b_iblock_section holds it joined with its iblock: GLOBAL_ACTIVE, DEPTH_LEVEL and the
     * nested-set margins (CIBlockSection::ReSort numbers siblings by SORT, then NAME) kept up to date.
     */
    public static function sectionRow(int $id): array
    {
        $section = self::$sections[$id];
        $iblock = self::$iblocks[(int)$section['IBLOCK_ID']] ?? [];
        $margins = self::margins((int)$section['IBLOCK_ID']);
        return [
            'ID' => $section['ID'], 'IBLOCK_ID' => $section['IBLOCK_ID'], 'IBLOCK_SECTION_ID' => $section['IBLOCK_SECTION_ID'],
            'ACTIVE' => $section['ACTIVE'], 'GLOBAL_ACTIVE' => self::globalActive($id), 'SORT' => $section['SORT'],
            'NAME' => $section['NAME'], 'PICTURE' => $section['PICTURE'], 'LEFT_MARGIN' => (string)$margins[$id][0],
            'RIGHT_MARGIN' => (string)$margins[$id][1], 'DEPTH_LEVEL' => (string)self::depth($id),
            'DESCRIPTION' => $section['DESCRIPTION'], 'DESCRIPTION_TYPE' => $section['DESCRIPTION_TYPE'],
            'CODE' => $section['CODE'], 'XML_ID' => $section['XML_ID'], 'EXTERNAL_ID' => $section['XML_ID'],
            'DETAIL_PICTURE' => $section['DETAIL_PICTURE'], 'LIST_PAGE_URL' => $iblock['LIST_PAGE_URL'] ?? null,
            'SECTION_PAGE_URL' => $iblock['SECTION_PAGE_URL'] ?? null, 'IBLOCK_TYPE_ID' => $iblock['IBLOCK_TYPE_ID'] ?? null,
            'IBLOCK_CODE' => $iblock['CODE'] ?? null, 'IBLOCK_EXTERNAL_ID' => $iblock['XML_ID'] ?? null,
        ];
    }

    /** @return array<int, array{int, int}> section id => [left, right] over one iblock's tree */
    private static function margins(int $iblockId): array
    {
        if (isset(self::$margins[$iblockId])) {
            return self::$margins[$iblockId];
        }
        $children = [];
        foreach (self::$sections as $id => $section) {
            if ((int)$section['IBLOCK_ID'] === $iblockId) {
                $children[(int)$section['IBLOCK_SECTION_ID']][] = $id;
            }
        }
        $next = 1;
        $margins = [];
        $number = static function (int $parent) use (&$number, &$next, &$margins, $children): void {
            $ids = $children[$parent] ?? [];
            usort($ids, static fn (int $a, int $b) => [(int)self::$sections[$a]['SORT'], self::$sections[$a]['NAME']]
                <=> [(int)self::$sections[$b]['SORT'], self::$sections[$b]['NAME']]);
            foreach ($ids as $id) {
                $left = $next++;
                $number($id);
                $margins[$id] = [$left, $next++];
            }
        };
        $number(0);
        return self::$margins[$iblockId] = $margins;
    }

    /**
     * CIBlock::ReplaceDetailUrl (iblock/classes/general/iblock.php): the template's placeholders filled from the row,
     * repeated slashes collapsed.
     */
    public static function replaceUrl(string $template, array $row): string
    {
        $section = self::$sections[(int)($row['IBLOCK_SECTION_ID'] ?? 0)] ?? null;
        $iblock = self::$iblocks[(int)($row['IBLOCK_ID'] ?? 0)] ?? [];
        $url = strtr($template, [
            '#SITE_DIR#' => '/', '#SERVER_NAME#' => 'shop.example',
            '#ID#' => $row['ID'] ?? '', '#ELEMENT_ID#' => $row['ID'] ?? '',
            '#CODE#' => $row['CODE'] ?? '', '#ELEMENT_CODE#' => $row['CODE'] ?? '',
            '#EXTERNAL_ID#' => $row['EXTERNAL_ID'] ?? $row['XML_ID'] ?? '',
            '#IBLOCK_ID#' => $row['IBLOCK_ID'] ?? '', '#IBLOCK_TYPE_ID#' => $iblock['IBLOCK_TYPE_ID'] ?? '',
            '#IBLOCK_CODE#' => $iblock['CODE'] ?? '',
            '#SECTION_ID#' => $row['IBLOCK_SECTION_ID'] ?? '', '#SECTION_CODE#' => $section['CODE'] ?? '',
        ]);
        return preg_replace('#(?<!:)/+#', '/', $url);
    }

    private static function property(int $iblockId, string $code): array
    {
        return self::findProperty($iblockId, $code) ?? throw new \LogicException("no property $code in iblock $iblockId");
    }

    /** @param list<int|string> $values */
    private static function setValues(int $elementId, string $propertyId, array $values): void
    {
        foreach ($values as $value) {
            $description = is_array($value) ? (string)$value['DESCRIPTION'] : null;
            self::$values[$elementId][(int)$propertyId][] = [
                'ID' => self::$nextValueId++,
                'VALUE' => (string)(is_array($value) ? $value['VALUE'] : $value),
                'DESCRIPTION' => $description,
            ];
        }
    }
}
