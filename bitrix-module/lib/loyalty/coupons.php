<?php

namespace Rustbox\Mindbox\Loyalty;

use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
use Bitrix\Sale\DiscountCouponsManager;

Loc::loadMessages(__FILE__);

/**
 * Mindbox promo codes typed into Bitrix's own coupon field. Bitrix keeps a code it does not know in the buyer's
 * coupon list, marked "not found" (DiscountCouponsManagerBase::add()); in `processing` mode those are the codes sent to
 * Mindbox, and the checkout's coupon list shows what Mindbox made of each.
 */
final class Coupons
{
    /** Mindbox's status of a promo code it applies. */
    public const APPLIED = 'CanBeUsed';

    /** @return list<string> the codes of this buyer's checkout that Bitrix does not know */
    public static function entered(): array
    {
        if (!Loader::includeModule('sale')) {
            return [];
        }
        $codes = [];
        foreach (DiscountCouponsManager::get(true, [], true, false) ?: [] as $code => $coupon) {
            if ((int)($coupon['STATUS'] ?? 0) === DiscountCouponsManager::STATUS_NOT_FOUND) {
                $codes[] = (string)$code;
            }
        }
        return $codes;
    }

    /**
     * The checkout's JS_DATA['COUPON_LIST'] with Mindbox's word on its codes: applied, or refused with the reason.
     *
     * @param array<string, string> $statuses Mindbox's status of each code
     */
    public static function show(array $couponList, array $statuses): array
    {
        foreach ($couponList as &$coupon) {
            $status = $statuses[(string)($coupon['COUPON'] ?? '')] ?? null;
            if ($status === null) {
                continue;
            }
            $coupon['JS_STATUS'] = $status === self::APPLIED ? 'APPLIED' : 'BAD';
            // The component renders both as HTML (it joins CHECK_CODE_TEXT with <br>): only the module's own words
            // go there, and a status Mindbox invents is named only when it is a plain word.
            $known = preg_match('/^[A-Za-z]{1,64}$/D', $status) === 1;
            $text = ($known ? Loc::getMessage('RUSTBOX_MINDBOX_COUPON_' . strtoupper($status)) : null)
                ?: Loc::getMessage('RUSTBOX_MINDBOX_COUPON_REFUSED', ['#STATUS#' => $known ? $status : '?']);
            $coupon['STATUS_TEXT'] = htmlspecialcharsbx((string)$text);
            $coupon['JS_CHECK_CODE'] = $coupon['STATUS_TEXT'];
        }
        return $couponList;
    }
}
