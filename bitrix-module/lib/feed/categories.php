<?php

namespace Rustbox\Mindbox\Feed;

use Bitrix\Main\Localization\Loc;
use Rustbox\Mindbox\Mappers\ProductIds;

Loc::loadMessages(__FILE__);

/**
 * The feed's categories: the catalogue's active sections (GLOBAL_ACTIVE, so every parent is there too), in the
 * tree's order, with the ids ProductIds::categoryIdsOfRows() gives (the ids the tracker's category views send), and
 * a root category for offers in no such section (Mindbox wants at least one categoryId per offer). Read once when a
 * run begins and kept in its staging head, so that every offer refers only to categories the feed writes.
 */
final class Categories
{
    /**
     * @return array{list: list<array{id: string, parentId?: string, name: string}>, bySection: array<int, string>, root: array{id: string, name: string}}
     *     the writer's categories; each section's category id; the root category, written only when an offer needs it
     */
    public static function read(int $iblockId, ProductIds $productIds): array
    {
        $rows = [];
        $sections = \CIBlockSection::GetList(
            ['LEFT_MARGIN' => 'ASC'],
            ['IBLOCK_ID' => $iblockId, 'GLOBAL_ACTIVE' => 'Y', 'CHECK_PERMISSIONS' => 'N'],
            false,
            ['ID', 'IBLOCK_SECTION_ID', 'NAME', 'XML_ID']
        );
        while ($row = $sections->Fetch()) {
            $rows[(int)$row['ID']] = $row;
        }
        $ids = $productIds->categoryIdsOfRows($rows);
        $list = [];
        $written = [];
        foreach ($rows as $sectionId => $row) {
            // Two sections with one id (a shared XML_ID) become one category.
            if (isset($written[$ids[$sectionId]])) {
                continue;
            }
            $written[$ids[$sectionId]] = true;
            $parent = $ids[(int)$row['IBLOCK_SECTION_ID']] ?? null;
            $list[] = ['id' => $ids[$sectionId], 'name' => self::name($row['NAME'], $ids[$sectionId])] + ($parent === null ? [] : ['parentId' => $parent]);
        }
        $root = $productIds->categoryIdsOfRows([['ID' => 0, 'XML_ID' => '']])[0];
        return ['list' => $list, 'bySection' => $ids, 'root' => ['id' => $root, 'name' => (string)Loc::getMessage('RUSTBOX_MINDBOX_FEED_ROOT_CATEGORY')]];
    }

    private static function name(?string $name, string $id): string
    {
        $name = trim((string)$name);
        return $name !== '' ? $name : $id;
    }
}
