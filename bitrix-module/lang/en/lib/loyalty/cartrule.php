<?php
$MESS['RUSTBOX_MINDBOX_CART_RULE_NAME'] = 'Mindbox: points spent at checkout (module rustbox.mindbox)';
