<?php

use Bitrix\Main\Loader;
use Rustbox\Mindbox\Loyalty\Balance;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Shop\Visitor;
use Rustbox\Mindbox\Support\Kopecks;

defined('B_PROLOG_INCLUDED') || die();

/**
 * rustbox:mindbox.balance — the logged-in customer's loyalty points, or word that they cannot be told right now.
 * Shows nothing to guests and where loyalty is off. The balance is asked of Mindbox once per request, so the
 * component next to the checkout costs no second call.
 */
class RustboxMindboxBalanceComponent extends CBitrixComponent
{
    public function executeComponent()
    {
        if (!Loader::includeModule('rustbox.mindbox')) {
            return;
        }
        $settings = Mindbox::settings();
        $userId = Visitor::current()->userId();
        if ($userId <= 0 || !$settings->isLoyaltyEnabled()) {
            return;
        }
        $balance = Balance::of($settings, $userId);
        $this->arResult = [
            'AVAILABLE' => $balance !== null,
            'BALANCE' => $balance === null ? null : Kopecks::toMoney(Kopecks::floorTo($balance, $settings->pointsDecimals())),
            'BALANCE_FORMATTED' => $balance === null ? '' : Kopecks::format($balance, $settings->pointsDecimals()),
        ];
        $this->includeComponentTemplate();
    }
}
