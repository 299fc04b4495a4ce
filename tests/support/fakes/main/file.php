<?php
// CFile (main/classes/general/file.php): a picture's row of b_file and its address. A local file is
// /upload/<SUBDIR>/<FILE_NAME>; a file the clouds module keeps elsewhere gets its absolute address from that
// module's OnGetFileSRC handler, which the fake stands for with the address given.

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
        $file = is_array($FILE_ID) ? null : self::$files[(int)$FILE_ID] ?? null;
        if ($file === null) {
            return false;
        }
        $cloud = $file['~cloud'];
        unset($file['~cloud']);
        $file['SRC'] = $cloud ?? str_replace('//', '/', '/' . ($upload_dir ?: 'upload') . '/' . $file['SUBDIR'] . '/' . $file['FILE_NAME']);
        return $file;
    }

    public static function GetPath($img_id)
    {
        return (int)$img_id > 0 && ($file = self::GetFileArray($img_id)) ? $file['SRC'] : null;
    }
}
