<?php
$MESS['RUSTBOX_MINDBOX_ORDER_TAB'] = 'Mindbox';
$MESS['RUSTBOX_MINDBOX_ORDER_TAB_TITLE'] = 'What Mindbox was told of this order';
$MESS['RUSTBOX_MINDBOX_ORDER_NOT_FOUND'] = 'There is no order #ID#';
$MESS['RUSTBOX_MINDBOX_ORDER_UNREADABLE'] = 'The outbox could not be read: #ERROR#';
$MESS['RUSTBOX_MINDBOX_ORDER_DENIED'] = 'Only an administrator may send an order\'s change to Mindbox again';
$MESS['RUSTBOX_MINDBOX_ORDER_SESSION'] = 'Your session has expired: open the order again and repeat';
$MESS['RUSTBOX_MINDBOX_ORDER_SENT_AGAIN'] = 'Sent again: the change is back in the outbox';
$MESS['RUSTBOX_MINDBOX_ORDER_NOT_PARKED'] = 'Nothing to send again: the change is no longer parked (it was delivered or sent again, or a newer change of the order followed it)';
$MESS['RUSTBOX_MINDBOX_ORDER_KEPT'] = 'Bitrix\'s prices kept: the order goes to Mindbox as it is';
$MESS['RUSTBOX_MINDBOX_ORDER_APPLIED'] = 'Mindbox\'s prices applied to the order\'s lines and the order saved; it goes to Mindbox again';
$MESS['RUSTBOX_MINDBOX_ORDER_NOT_REPRICED'] = 'Nothing to choose: the order has no change Mindbox recalculated at another total any more (settled already, or a newer change followed)';
$MESS['RUSTBOX_MINDBOX_ORDER_NOT_SAVED'] = 'The order was not saved with Mindbox\'s prices: #ERROR#';
