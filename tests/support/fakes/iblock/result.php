<?php
// CIBlockResult (iblock/classes/general/iblockresult.php) over CDBResult::GetNext (main/classes/general/database.php):
// Fetch() gives the row as the database holds it, URL templates unfilled; GetNext() escapes it for HTML, keeps the
// raw values under "~" keys and fills the URL templates.

use Bitrix\Iblock\FakeStore;

class CIBlockResult extends CDBResult
{
    /** What CDBResult::NavQuery sets for a page of nPageSize rows. */
    public int $NavRecordCount = 0;
    public int $NavPageCount = 0;
    public int $NavPageNomer = 1;
    public int $NavPageSize = 0;

    private int $total;

    /** @param list<array> $rows  @param string $kind E for elements, S for sections (their URL templates differ) */
    public function __construct(array $rows = [], private string $kind = 'E')
    {
        parent::__construct($rows);
        $this->total = count($rows);
    }

    public function SelectedRowsCount()
    {
        return $this->total;
    }

    /**
     * A text with a *_TYPE column beside it goes through FormatText() ("html" kept, "text" escaped with line breaks);
     * any other value with one of ; & < > " goes through htmlspecialcharsEx(), which leaves a bare & as it is.
     */
    public function GetNext($bTextHtmlAuto = true, $use_tilda = true)
    {
        $row = $this->Fetch();
        if (!$row) {
            return $row;
        }
        $next = [];
        foreach ($row as $name => $value) {
            if ($bTextHtmlAuto && array_key_exists($name . '_TYPE', $row)) {
                $next[$name] = FormatText($value, $row[$name . '_TYPE']);
            } elseif (is_array($value) || ($value !== null && preg_match('/[;&<>"]/', (string)$value))) {
                $next[$name] = htmlspecialcharsEx($value);
            } else {
                $next[$name] = $value;
            }
            if ($use_tilda) {
                $next['~' . $name] = $value;
            }
        }
        return $this->withUrls($next, $row);
    }

    private function withUrls(array $next, array $raw): array
    {
        foreach (['DETAIL_PAGE_URL', 'SECTION_PAGE_URL', 'LIST_PAGE_URL'] as $name) {
            if (!isset($raw[$name])) {
                continue;
            }
            $row = $this->kind === 'S' && $name === 'SECTION_PAGE_URL'
                ? ['IBLOCK_SECTION_ID' => $raw['ID'] ?? null] + $raw
                : $raw;
            $url = FakeStore::replaceUrl($raw[$name], $row);
            $next[$name] = htmlspecialcharsbx($url);
            if (array_key_exists('~' . $name, $next)) {
                $next['~' . $name] = $url;
            }
        }
        return $next;
    }
}
