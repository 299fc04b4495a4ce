<?php
$MESS['RUSTBOX_MINDBOX_ORDER_PRICE_CHANGED'] = 'The prices of your order have just changed. Please look at the order again and place it once more.';
