<?php
$MESS['RUSTBOX_MINDBOX_MODULE_NAME'] = 'Mindbox (нативный клиент)';
$MESS['RUSTBOX_MINDBOX_MODULE_DESCRIPTION'] = 'Отправляет заказы, регистрации, профили, корзины и подписки в Mindbox через PHP-расширение mindbox, подключает трекер Mindbox.';
$MESS['RUSTBOX_MINDBOX_PARTNER_NAME'] = 'Rustbox';
$MESS['RUSTBOX_MINDBOX_UNINSTALL_INCOMPLETE'] = 'Модуль удалён, но не полностью: #DETAILS#. Каждая ошибка записана в журнал событий (тип RUSTBOX_MINDBOX); оставшееся можно удалить вручную (правило корзины — в разделе «Маркетинг → Правила работы с корзиной»).';
