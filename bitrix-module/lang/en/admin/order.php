<?php
$MESS['RUSTBOX_MINDBOX_ORDER_ACTION_TITLE'] = 'Mindbox: send the order again';
$MESS['RUSTBOX_MINDBOX_ORDER_ACTION_BACK'] = 'Back to the order';
