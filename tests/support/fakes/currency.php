<?php
// The currencies of the currency module (currency/lib/currency.php, CurrencyTable, an ORM DataManager like the
// catalog's tables, so it shares their fake getList()): CURRENCY is the code; AMOUNT units of the base currency buy
// AMOUNT_CNT units of this one (the base currency: BASE = Y, 1 for 1). A shop with the catalog has the currency module.

namespace Bitrix\Currency {

    use Bitrix\Catalog\FakeDataManager;

    class CurrencyTable extends FakeDataManager
    {
        protected static function columns(): array
        {
            return ['CURRENCY' => '', 'AMOUNT_CNT' => 1, 'AMOUNT' => 1, 'SORT' => 100, 'NUMCODE' => null, 'BASE' => 'N',
                'CURRENT_BASE_RATE' => 1];
        }
    }
}
