<?php
// CFile (main/classes/general/file.php): a picture's row of b_file and its address. A local file is
// /<upload_dir>/<SUBDIR>/<FILE_NAME>; a file the clouds module keeps elsewhere gets its absolute address from that
// module's OnGetFileSRC handler, which the fake stands for with the address given. GetFileArray() reads one row (a
// query each), GetList() many at once.

class CFile
{
    /** @var array<int, array> */
    private static array $files = [];

    public static function fakeReset(): void
    {
        self::$files = [];
    }

    public static function fakeAdd(int $id, string $subdir, string $fileName, ?string $cloudUrl = null): void
    {
        self::$files[$id] = ['ID' => (string)$id, 'HEIGHT' => '600', 'WIDTH' => '600', 'FILE_SIZE' => '48213',
            'CONTENT_TYPE' => 'image/jpeg', 'SUBDIR' => $subdir, 'FILE_NAME' => $fileName,
            'ORIGINAL_NAME' => $fileName, 'DESCRIPTION' => '', 'HANDLER_ID' => $cloudUrl === null ? null : '1',
            'EXTERNAL_ID' => md5((string)$id), '~cloud' => $cloudUrl];
    }

    /** The row with SRC, or false when there is no such file (an id of 0 or null, or a deleted file). */
    public static function GetFileArray($FILE_ID, $upload_dir = false)
    {
        if (is_array($FILE_ID) || (int)$FILE_ID <= 0) {
            return false;
        }
        \Bitrix\Main\Application::getConnection()->fakeQuery('SELECT f.* FROM b_file f WHERE f.ID = ' . (int)$FILE_ID);
        $file = self::row((int)$FILE_ID);
        if ($file === null) {
            return false;
        }
        $file['SRC'] = self::GetFileSRC($file, $upload_dir);
        return $file;
    }

    /**
     * Rows of b_file (without SRC) by filter: ID or @ID (a list or a comma-separated string), ordered by ID unless
     * asked otherwise; one query.
     */
    public static function GetList($arOrder = [], $arFilter = [])
    {
        \Bitrix\Main\Application::getConnection()->fakeQuery('SELECT f.* FROM b_file f WHERE ... ORDER BY f.ID ASC');
        $ids = null;
        foreach ((array)$arFilter as $key => $value) {
            $key = strtoupper((string)$key);
            if ($key === '@ID') {
                $ids = array_map('intval', is_array($value) ? $value : explode(',', (string)$value));
            } elseif ($key === 'ID') {
                $ids = [(int)$value];
            } else {
                throw new \LogicException("the fake core does not filter files by $key");
            }
        }
        $rows = [];
        $all = array_keys(self::$files);
        sort($all);
        foreach ($all as $id) {
            if ($ids === null || in_array($id, $ids, true)) {
                $rows[] = self::row($id);
            }
        }
        if (strtoupper((string)($arOrder['ID'] ?? 'ASC')) === 'DESC') {
            $rows = array_reverse($rows);
        }
        return new CDBResult($rows);
    }

    /** A file's address: the clouds module's for a file it keeps (an absolute URL), else the local path. */
    public static function GetFileSRC($arFile, $upload_dir = false, $external = true)
    {
        $cloud = $external && !empty($arFile['HANDLER_ID']) ? self::$files[(int)$arFile['ID']]['~cloud'] ?? null : null;
        if ($cloud !== null) {
            return $cloud;
        }
        $dir = $upload_dir === false ? COption::GetOptionString('main', 'upload_dir', 'upload') : $upload_dir;
        return str_replace('//', '/', '/' . $dir . '/' . $arFile['SUBDIR'] . '/' . $arFile['FILE_NAME']);
    }

    private static function row(int $id): ?array
    {
        $file = self::$files[$id] ?? null;
        unset($file['~cloud']);
        return $file;
    }

    public static function GetPath($img_id)
    {
        return (int)$img_id > 0 && ($file = self::GetFileArray($img_id)) ? $file['SRC'] : null;
    }
}
