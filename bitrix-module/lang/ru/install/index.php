<?php
$MESS['RUSTBOX_MINDBOX_MODULE_NAME'] = 'Mindbox (нативный клиент)';
$MESS['RUSTBOX_MINDBOX_MODULE_DESCRIPTION'] = 'Отправляет заказы, регистрации, профили, корзины и подписки в Mindbox через PHP-расширение mindbox, подключает трекер Mindbox.';
$MESS['RUSTBOX_MINDBOX_PARTNER_NAME'] = 'Rustbox';
