<?php
$MESS['RUSTBOX_MINDBOX_CART_RULE_ACTION'] = 'Mindbox: баллы, которые покупатель списывает при оформлении заказа';
