<?php
$MESS['RUSTBOX_MINDBOX_CART_RULE_ACTION'] = 'Mindbox: points the buyer spends at checkout';
