<?php
$MESS['RUSTBOX_MINDBOX_ORDER_ACTION_TITLE'] = 'Mindbox: повторная отправка заказа';
$MESS['RUSTBOX_MINDBOX_ORDER_ACTION_BACK'] = 'Вернуться к заказу';
