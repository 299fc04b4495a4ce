<?php

namespace Rustbox\Mindbox\Feed;

use Bitrix\Currency\CurrencyTable;
use Bitrix\Main\Loader;

/**
 * The feed's currencies: every currency of the shop with its rate against the base one (AMOUNT units of the base
 * currency buy AMOUNT_CNT units), written exactly, never cut to an integer as the official modules do.
 */
final class Currencies
{
    /** @return list<array{id: string, rate: string}> */
    public static function read(): array
    {
        if (!Loader::includeModule('currency')) {
            return [];
        }
        $rows = CurrencyTable::getList([
            'select' => ['CURRENCY', 'AMOUNT', 'AMOUNT_CNT', 'BASE'],
            'order' => ['SORT' => 'ASC', 'CURRENCY' => 'ASC'],
        ])->fetchAll();
        $currencies = [];
        foreach ($rows as $row) {
            $count = (int)$row['AMOUNT_CNT'];
            $amount = (string)$row['AMOUNT'];
            if ($row['BASE'] === 'Y') {
                $rate = '1';
            } elseif ($count === 1) {
                $rate = $amount;
            } else {
                $rate = $count > 0 ? (string)((float)$amount / $count) : '';
            }
            if (is_numeric($rate) && (float)$rate > 0) {
                $currencies[] = ['id' => (string)$row['CURRENCY'], 'rate' => $rate];
            }
        }
        return $currencies;
    }
}
