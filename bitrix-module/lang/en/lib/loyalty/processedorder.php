<?php
$MESS['RUSTBOX_MINDBOX_ORDER_PRICE_CHANGED'] = 'The prices of your order have just changed. Please look at the order again and place it once more.';
$MESS['RUSTBOX_MINDBOX_ORDER_NOT_CONFIRMED'] = 'The loyalty programme could not confirm the discounts of your order. The order has been priced again without them: please look at it and place it once more.';
