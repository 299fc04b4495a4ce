<?php
$MESS['RUSTBOX_MINDBOX_ORDER_PRICE_CHANGED'] = 'Цены в заказе только что изменились. Проверьте заказ и оформите его ещё раз.';
