<?php

namespace Rustbox\Mindbox\Handlers;

use Bitrix\Main\Localization\Loc;
use Rustbox\Mindbox\Config\Options;
use Rustbox\Mindbox\Loyalty\CartRule;
use Rustbox\Mindbox\Loyalty\Checkout;

Loc::loadMessages(__FILE__);

/**
 * The module's action for the sale module's cart rules ("Mindbox: points and prices"), offered in the rule editor
 * through sale:OnCondSaleActionsControlBuildList. A rule holding it runs Checkout::spendOn() inside the discount
 * engine, so what it takes off the lines is a discount like any other: shown on each line, in the subtotal and the
 * total, followed by the payment and saved with the order. EXIST_HANDLER with MODULE_ID makes the engine load the
 * module before it runs the rule (catalog_cond.php keeps MODULE_ID only with it).
 */
final class CartRuleAction extends \CSaleActionCtrl
{
    public static function GetControlDescr()
    {
        return ['EXIST_HANDLER' => 'Y', 'MODULE_ID' => Options::MODULE_ID, 'SORT' => 1000] + parent::GetControlDescr();
    }

    public static function GetControlID()
    {
        return CartRule::ACTION_ID;
    }

    public static function GetShowIn($arControls)
    {
        return ['CondGroup'];
    }

    public static function GetControlShow($arParams)
    {
        return [
            'controlId' => static::GetControlID(),
            'group' => false,
            'label' => (string)Loc::getMessage('RUSTBOX_MINDBOX_CART_RULE_ACTION'),
            'defaultText' => '',
            'showIn' => static::GetShowIn($arParams['SHOW_IN_GROUPS'] ?? []),
            'control' => [(string)Loc::getMessage('RUSTBOX_MINDBOX_CART_RULE_ACTION')],
        ];
    }

    /**
     * The rule's code calls a class that extends nothing of the core: when the engine runs it, the core's action
     * classes (sale_act.php) need not be loaded. Saved rules keep this code, so Loyalty\Checkout::spendOn() keeps its
     * name.
     */
    public static function Generate($arOneCondition, $arParams, $arControl, $arSubs = false)
    {
        return '\\' . Checkout::class . '::spendOn(' . $arParams['ORDER'] . ')';
    }
}
