<?php
// The buyer's coupons, as sale/lib/discountcouponsmanagerbase.php keeps them in client mode: the codes typed into the
// checkout stay in the session ($_SESSION['CATALOG_USER_COUPONS']) across hits; a code no coupon of the shop has is
// kept all the same, with STATUS_NOT_FOUND, and add() answers false for it (so sale.order.ajax's enterCouponAction
// shows the list again instead of recalculating). The fake shop has no coupons of its own: every code is "not found".

namespace Bitrix\Sale {

    class DiscountCouponsManager
    {
        public const MODE_CLIENT = 0x0001;
        public const STATUS_NOT_FOUND = 0x0001;
        public const STATUS_ENTERED = 0x0002;
        public const STATUS_APPLYED = 0x0004;
        public const STATUS_NOT_APPLYED = 0x0008;
        public const STATUS_FREEZE = 0x0010;
        public const COUPON_CHECK_NOT_FOUND = 0x0001;

        private const STORAGE = 'CATALOG_USER_COUPONS';

        public static function fakeReset(): void
        {
            unset($_SESSION[self::STORAGE]);
        }

        public static function add($coupon)
        {
            $coupon = trim((string)$coupon);
            if ($coupon === '') {
                return false;
            }
            $_SESSION[self::STORAGE][$coupon] = $coupon;
            return false;
        }

        public static function delete($coupon)
        {
            unset($_SESSION[self::STORAGE][(string)$coupon]);
            return true;
        }

        /** With $extMode, each code with its STATUS and check code; $final turns ENTERED into NOT_APPLYED. */
        public static function get($extMode = true, $filter = [], $show = false, $final = false)
        {
            $coupons = [];
            foreach ($_SESSION[self::STORAGE] ?? [] as $code) {
                $coupons[$code] = $extMode
                    ? ['COUPON' => $code, 'STATUS' => self::STATUS_NOT_FOUND, 'CHECK_CODE' => self::COUPON_CHECK_NOT_FOUND, 'STATUS_TEXT' => 'not found', 'CHECK_CODE_TEXT' => ['coupon not found']]
                    : $code;
            }
            return $coupons;
        }
    }
}
