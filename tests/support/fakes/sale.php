<?php
// The fakes of the sale module, one file per part of the real one.

require_once __DIR__ . '/sale/fields.php';
require_once __DIR__ . '/sale/support.php';
require_once __DIR__ . '/sale/basketitem.php';
require_once __DIR__ . '/sale/basket.php';
require_once __DIR__ . '/sale/coupons.php';
require_once __DIR__ . '/sale/discount.php';
require_once __DIR__ . '/sale/internals.php';
require_once __DIR__ . '/sale/payment.php';
require_once __DIR__ . '/sale/order.php';
require_once __DIR__ . '/sale/saleuser.php';
