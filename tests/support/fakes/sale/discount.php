<?php
// The discount engine as far as the module can observe it: cart rules (b_sale_discount) whose ACTIONS are compiled
// into PHP code when they are saved, with the action controls modules add through OnCondSaleActionsControlBuildList,
// and run by an order's Discount in doFinalAction. Real files: sale/general/discount.php (CSaleDiscount::Add,
// Update, prepareDiscountConditions), sale/general/sale_act.php (CSaleActionCtrl, CSaleActionCtrlGroup,
// CSaleActionTree::Generate), catalog/general/catalog_cond.php (CGlobalCondCtrl, the control list and its
// EXIST_HANDLER/MODULE_ID rule), sale/lib/discountbase.php (calculate, applySaleDiscount, normalizeDiscountResult,
// getShowPrices).

namespace {

    use Bitrix\Main\Loader;

    /** catalog_cond.php: a condition or action control; the description is what the control list holds. */
    class CGlobalCondCtrl
    {
        public static function GetControlDescr()
        {
            $class = static::class;
            return [
                'ID' => static::GetControlID(),
                'GetControlShow' => [$class, 'GetControlShow'],
                'GetConditionShow' => [$class, 'GetConditionShow'],
                'IsGroup' => [$class, 'IsGroup'],
                'Parse' => [$class, 'Parse'],
                'Generate' => [$class, 'Generate'],
                'ApplyValues' => [$class, 'ApplyValues'],
                'InitParams' => [$class, 'InitParams'],
            ];
        }

        public static function GetControlID()
        {
            return '';
        }

        public static function GetShowIn($arControls)
        {
            return [];
        }

        public static function IsGroup($strControlID = false)
        {
            return 'N';
        }

        public static function GetAtomsEx($strControlID = false, $boolEx = false)
        {
            return [];
        }

        public static function ApplyValues($arOneCondition, $arControl)
        {
            return [];
        }

        public static function InitParams($arParams)
        {
        }
    }

    /** sale_act.php: a simple action of a cart rule (its editor methods parse the control's atoms). */
    class CSaleActionCtrl extends CGlobalCondCtrl
    {
        public static function GetConditionShow($arParams)
        {
            return ['id' => $arParams['COND_NUM'] ?? 0, 'controlId' => static::GetControlID(), 'values' => []];
        }

        public static function Parse($arOneCondition)
        {
            return ($arOneCondition['controlId'] ?? null) === static::GetControlID() ? [] : false;
        }
    }

    /** sale_act.php: the root group of a rule's actions; its code is the rule's APPLICATION. */
    class CSaleActionCtrlGroup extends CGlobalCondCtrl
    {
        public static function GetControlID()
        {
            return 'CondGroup';
        }

        public static function Generate($arOneCondition, $arParams, $arControl, $arSubs = false)
        {
            if (!empty($arSubs) && is_array($arSubs)) {
                return 'function (&' . $arParams['ORDER'] . '){' . implode('; ', $arSubs) . ';};';
            }
            return '';
        }
    }

    /**
     * b_sale_discount through the old kernel API. Add() compiles ACTIONS as CSaleActionTree does: each action's
     * control from the list that OnCondSaleActionsControlBuildList builds; a control keeps its MODULE_ID only with
     * EXIST_HANDLER = Y, and those modules are loaded before the rule runs.
     */
    class CSaleDiscount
    {
        private static array $rows = [];
        private static int $nextId = 1;

        public static function fakeReset(): void
        {
            self::$rows = [];
            self::$nextId = 1;
        }

        /** @return list<array> the active rules of a site in the engine's order: PRIORITY down, then SORT up */
        public static function fakeActiveRules(string $siteId): array
        {
            $rules = array_values(array_filter(self::$rows, static fn (array $r) => $r['LID'] === $siteId && $r['ACTIVE'] === 'Y'));
            usort($rules, static fn (array $a, array $b) => [$b['PRIORITY'], $a['SORT'], $a['ID']] <=> [$a['PRIORITY'], $b['SORT'], $b['ID']]);
            return $rules;
        }

        public static function Add($arFields)
        {
            $compiled = self::compile($arFields['ACTIONS'] ?? null);
            if (empty($arFields['LID']) || $compiled === null) {
                $GLOBALS['APPLICATION']->ThrowException(empty($arFields['LID']) ? 'Site is not set' : 'Actions cannot be compiled');
                return false;
            }
            $id = self::$nextId++;
            self::$rows[$id] = [
                'ID' => $id,
                'LID' => (string)$arFields['LID'],
                'NAME' => (string)($arFields['NAME'] ?? ''),
                'XML_ID' => (string)($arFields['XML_ID'] ?? ''),
                'ACTIVE' => ($arFields['ACTIVE'] ?? 'Y') === 'N' ? 'N' : 'Y',
                'SORT' => (int)($arFields['SORT'] ?? 100),
                'PRIORITY' => (int)($arFields['PRIORITY'] ?? 1),
                'LAST_DISCOUNT' => ($arFields['LAST_DISCOUNT'] ?? 'Y') === 'N' ? 'N' : 'Y',
                'USER_GROUPS' => (array)($arFields['USER_GROUPS'] ?? []),
                'ACTIONS_LIST' => $arFields['ACTIONS'],
                'APPLICATION' => $compiled['code'],
                'MODULES' => $compiled['modules'],
            ];
            return $id;
        }

        /**
         * sale/general/discount.php, not overridden in sale/mysql/discount.php: an instance method, so a static call is
         * an Error on PHP 8; deprecated for DiscountTable::delete(), which it wraps, keeping only whether it succeeded.
         */
        public function Delete($ID)
        {
            return (int)$ID > 0 && \Bitrix\Sale\Internals\DiscountTable::delete((int)$ID)->isSuccess();
        }

        /** Takes a rule's row out of b_sale_discount, for DiscountTable::delete(); null when there is none. */
        public static function fakeRemove(int $id): ?array
        {
            $row = self::$rows[$id] ?? null;
            unset(self::$rows[$id]);
            return $row;
        }

        /** Only the filters the module uses: ID, XML_ID, LID. */
        public static function GetList($arOrder = [], $arFilter = [], $arGroupBy = false, $arNavStartParams = false, $arSelectFields = [])
        {
            $rows = array_values(array_filter(self::$rows, static function (array $row) use ($arFilter): bool {
                foreach (['ID', 'XML_ID', 'LID'] as $key) {
                    if (isset($arFilter[$key]) && (string)$row[$key] !== (string)$arFilter[$key]) {
                        return false;
                    }
                }
                return true;
            }));
            return new \CDBResult($rows);
        }

        /** @return array{code: string, modules: list<string>}|null */
        private static function compile(mixed $actions): ?array
        {
            if (!is_array($actions) || ($actions['CLASS_ID'] ?? null) !== 'CondGroup') {
                return null;
            }
            $controls = self::controls();
            $params = ['ORDER' => '$arOrder', 'ORDER_FIELDS' => '$arOrder', 'ORDER_BASKET' => "\$arOrder['BASKET_ITEMS']", 'BASKET' => '$arBasket', 'BASKET_ROW' => '$row'];
            $subs = [];
            $modules = [];
            foreach ($actions['CHILDREN'] ?? [] as $child) {
                $control = $controls[$child['CLASS_ID'] ?? ''] ?? null;
                if ($control === null) {
                    return null;
                }
                $code = call_user_func_array($control['Generate'], [$child['DATA'] ?? [], $params, $child['CLASS_ID']]);
                if (!is_string($code) || $code === '' || $code === 'false') {
                    return null;
                }
                $subs[] = $code;
                if (($control['EXIST_HANDLER'] ?? 'N') === 'Y' && !empty($control['MODULE_ID'])) {
                    $modules[] = $control['MODULE_ID'];
                }
            }
            $code = CSaleActionCtrlGroup::Generate($actions['DATA'] ?? [], $params, 'CondGroup', $subs);
            return $code === '' ? null : ['code' => $code, 'modules' => array_values(array_unique($modules))];
        }

        /** @return array<string, array> the action controls by ID, modules' ones from their handlers */
        private static function controls(): array
        {
            $controls = [];
            foreach (GetModuleEvents('sale', 'OnCondSaleActionsControlBuildList', true) as $event) {
                $description = ExecuteModuleEventEx($event);
                foreach (isset($description['ID']) ? [$description] : (array)$description as $one) {
                    if (is_array($one) && !empty($one['ID']) && !empty($one['Generate']) && !empty($one['Parse'])) {
                        $controls[$one['ID']] = $one;
                    }
                }
            }
            return $controls;
        }
    }
}

namespace Bitrix\Sale {

    use Bitrix\Main\Loader;

    /**
     * An order's discount calculation (Discount extends DiscountBase). A new order's basket is reset to base prices,
     * the catalog's own discount of each line applied, then each active cart rule of the site runs on the order's
     * data, in the rules' order, until one with LAST_DISCOUNT = Y has changed something. Afterwards each line's
     * DISCOUNT_PRICE is rounded and, when above 0, decides PRICE (normalizeDiscountResult). getShowPrices() gives
     * what the checkout shows: taken at calculate(), not at the time it is read.
     */
    class Discount
    {
        private array $showPrices = ['BASKET' => []];

        public function __construct(private Order $order)
        {
        }

        public function calculate()
        {
            $basket = $this->order->getBasket();
            $data = [
                'ID' => $this->order->getId(),
                'USER_ID' => $this->order->getUserId(),
                'SITE_ID' => $this->order->getSiteId(),
                'LID' => $this->order->getSiteId(),
                'CURRENCY' => $this->order->getCurrency(),
                'ORDER_PRICE' => $basket?->getBasePrice() ?? 0.0,
                'BASKET_ITEMS' => [],
            ];
            $applied = [];
            foreach ($basket?->getBasketItems() ?? [] as $item) {
                if (!$item->canBuy() || $item->isDelay()) {
                    continue;
                }
                $code = $item->getBasketCode();
                $catalog = $item->fakeCatalogDiscount();
                $data['BASKET_ITEMS'][$code] = [
                    'ID' => $item->getId(),
                    'PRODUCT_ID' => $item->getProductId(),
                    'QUANTITY' => (float)$item->getQuantity(),
                    'BASE_PRICE' => (float)$item->getBasePrice(),
                    'PRICE' => (float)$item->getBasePrice() - $catalog,
                    'DISCOUNT_PRICE' => $catalog,
                    'CURRENCY' => $item->getCurrency(),
                    'CUSTOM_PRICE' => $item->isCustomPrice() ? 'Y' : 'N',
                ];
                $applied[$code] = $catalog > 0;
            }
            foreach (\CSaleDiscount::fakeActiveRules((string)$this->order->getSiteId()) as $rule) {
                foreach ($rule['MODULES'] as $module) {
                    Loader::includeModule($module);
                }
                $before = $data['BASKET_ITEMS'];
                $apply = null;
                eval('$apply = ' . $rule['APPLICATION'] . ';');
                $apply($data);
                $changed = false;
                foreach ($data['BASKET_ITEMS'] as $code => $row) {
                    if (abs((float)$row['PRICE'] - (float)($before[$code]['PRICE'] ?? $row['PRICE'])) > 1e-9) {
                        $applied[$code] = $changed = true;
                    }
                }
                if ($changed && $rule['LAST_DISCOUNT'] === 'Y') {
                    break;
                }
            }
            $result = ['BASKET_ITEMS' => []];
            $this->showPrices = ['BASKET' => []];
            foreach ($data['BASKET_ITEMS'] as $code => $row) {
                $discount = PriceMaths::roundPrecision($row['DISCOUNT_PRICE']);
                $price = $discount > 0 ? $row['BASE_PRICE'] - $discount : PriceMaths::roundPrecision($row['PRICE']);
                $result['BASKET_ITEMS'][$code] = ['PRICE' => PriceMaths::roundPrecision($price), 'DISCOUNT_PRICE' => $discount];
                $this->showPrices['BASKET'][$code] = !empty($applied[$code])
                    ? ['SHOW_BASE_PRICE' => $row['BASE_PRICE'], 'SHOW_PRICE' => PriceMaths::roundPrecision($price), 'SHOW_DISCOUNT' => $discount]
                    : ['SHOW_BASE_PRICE' => PriceMaths::roundPrecision($price), 'SHOW_PRICE' => PriceMaths::roundPrecision($price), 'SHOW_DISCOUNT' => 0.0];
            }
            $calculated = new Result();
            $calculated->setData($result);
            return $calculated;
        }

        public function getShowPrices()
        {
            return $this->showPrices;
        }
    }
}
