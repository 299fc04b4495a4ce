<?php

namespace Rustbox\Mindbox\Loyalty;

use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
use Bitrix\Main\SiteTable;
use Bitrix\Sale\Internals\DiscountTable;

Loc::loadMessages(__FILE__);

/**
 * The cart rule that spends the buyer's points, one per site (cart rules belong to a site), made by the installer and
 * removed by the uninstaller, found again by its XML_ID. It runs after the shop's own rules (lowest priority, last in
 * sort order) and does not stop later ones, so points are spent on what the lines cost after every other discount.
 * The shop may move it in the cart rules list like any rule of its own.
 */
final class CartRule
{
    public const XML_ID = 'rustbox_mindbox_points';

    /**
     * The CLASS_ID of the rule's one action, the control Handlers\CartRuleAction offers. Saved rules keep it, so it
     * never changes.
     */
    public const ACTION_ID = 'RustboxMindboxPoints';

    public static function install(): void
    {
        if (!Loader::includeModule('sale')) {
            return;
        }
        foreach (array_column(SiteTable::getList(['select' => ['LID']])->fetchAll(), 'LID') as $siteId) {
            if (\CSaleDiscount::GetList([], ['XML_ID' => self::XML_ID, 'LID' => $siteId])->Fetch()) {
                continue;
            }
            \CSaleDiscount::Add([
                'LID' => $siteId,
                'XML_ID' => self::XML_ID,
                'NAME' => (string)Loc::getMessage('RUSTBOX_MINDBOX_CART_RULE_NAME'),
                'ACTIVE' => 'Y',
                'PRIORITY' => 1,
                'SORT' => 100000,
                'LAST_DISCOUNT' => 'N',
                'CURRENCY' => 'RUB',
                // 2: "all users", guests included: the rule does nothing without a logged-in buyer's points.
                'USER_GROUPS' => [2],
                'CONDITIONS' => ['CLASS_ID' => 'CondGroup', 'DATA' => ['All' => 'AND', 'True' => 'True'], 'CHILDREN' => []],
                'ACTIONS' => ['CLASS_ID' => 'CondGroup', 'DATA' => ['All' => 'AND'], 'CHILDREN' => [
                    ['CLASS_ID' => self::ACTION_ID, 'DATA' => []],
                ]],
            ]);
        }
    }

    /**
     * Deletes the rule of every site the way the core's own cart rules list does, DiscountTable::delete(), which takes
     * the rule's coupons, groups and modules along. (CSaleDiscount::Delete() is an instance method, so calling it
     * statically is an Error on PHP 8; it only wraps this one and drops the reason of a failure.) Every rule is tried;
     * the ones that stay are named in one exception at the end.
     *
     * @throws \RuntimeException when a rule could not be deleted
     */
    public static function uninstall(): void
    {
        if (!Loader::includeModule('sale')) {
            return;
        }
        $ids = [];
        $rules = \CSaleDiscount::GetList([], ['XML_ID' => self::XML_ID], false, false, ['ID']);
        while ($rule = $rules->Fetch()) {
            $ids[] = (int)$rule['ID'];
        }
        $failures = [];
        $first = null;
        foreach ($ids as $id) {
            try {
                $result = DiscountTable::delete($id);
                if (!$result->isSuccess()) {
                    $failures[] = sprintf('cart rule %d: %s', $id, implode('; ', $result->getErrorMessages()));
                }
            } catch (\Throwable $e) {
                $failures[] = sprintf('cart rule %d: %s: %s', $id, get_class($e), $e->getMessage());
                $first ??= $e;
            }
        }
        if ($failures !== []) {
            throw new \RuntimeException(implode('; ', $failures), 0, $first);
        }
    }
}
