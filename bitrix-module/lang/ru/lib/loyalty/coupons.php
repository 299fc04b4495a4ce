<?php
$MESS['RUSTBOX_MINDBOX_COUPON_CANBEUSED'] = 'Промокод применён';
$MESS['RUSTBOX_MINDBOX_COUPON_NOTFOUND'] = 'Такого промокода нет';
$MESS['RUSTBOX_MINDBOX_COUPON_USED'] = 'Промокод уже использован';
$MESS['RUSTBOX_MINDBOX_COUPON_CANNOTBEUSEDFORCURRENTORDER'] = 'Промокод не действует для этого заказа';
$MESS['RUSTBOX_MINDBOX_COUPON_ALREADYNOTACTIVE'] = 'Срок действия промокода истёк';
$MESS['RUSTBOX_MINDBOX_COUPON_REFUSED'] = 'Промокод не применён (#STATUS#)';
