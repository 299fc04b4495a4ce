<?php
$MESS['RUSTBOX_MINDBOX_COUPON_CANBEUSED'] = 'Promo code applied';
$MESS['RUSTBOX_MINDBOX_COUPON_NOTFOUND'] = 'There is no such promo code';
$MESS['RUSTBOX_MINDBOX_COUPON_USED'] = 'This promo code has already been used';
$MESS['RUSTBOX_MINDBOX_COUPON_CANNOTBEUSEDFORCURRENTORDER'] = 'This promo code does not apply to this order';
$MESS['RUSTBOX_MINDBOX_COUPON_ALREADYNOTACTIVE'] = 'This promo code is no longer valid';
$MESS['RUSTBOX_MINDBOX_COUPON_REFUSED'] = 'The promo code was not applied (#STATUS#)';
