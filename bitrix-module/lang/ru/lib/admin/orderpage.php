<?php
$MESS['RUSTBOX_MINDBOX_ORDER_TAB'] = 'Mindbox';
$MESS['RUSTBOX_MINDBOX_ORDER_TAB_TITLE'] = 'Что Mindbox знает об этом заказе';
$MESS['RUSTBOX_MINDBOX_ORDER_NOT_FOUND'] = 'Заказа #ID# нет';
$MESS['RUSTBOX_MINDBOX_ORDER_UNREADABLE'] = 'Не удалось прочитать очередь отправки: #ERROR#';
$MESS['RUSTBOX_MINDBOX_ORDER_DENIED'] = 'Отправить изменение заказа в Mindbox повторно может только администратор';
$MESS['RUSTBOX_MINDBOX_ORDER_SESSION'] = 'Сессия истекла: откройте заказ снова и повторите';
$MESS['RUSTBOX_MINDBOX_ORDER_SENT_AGAIN'] = 'Отправлено повторно: изменение снова в очереди';
$MESS['RUSTBOX_MINDBOX_ORDER_NOT_PARKED'] = 'Повторять нечего: изменение уже не отложено (доставлено, уже отправлено повторно или за ним последовало более новое изменение заказа)';
$MESS['RUSTBOX_MINDBOX_ORDER_KEPT'] = 'Цены Битрикса оставлены: заказ уходит в Mindbox как есть';
$MESS['RUSTBOX_MINDBOX_ORDER_APPLIED'] = 'Цены Mindbox применены к позициям заказа, заказ сохранён и снова уходит в Mindbox';
$MESS['RUSTBOX_MINDBOX_ORDER_NOT_REPRICED'] = 'Выбирать нечего: у заказа больше нет изменения, пересчитанного Mindbox на другую сумму (выбор уже сделан или после него было новое изменение)';
$MESS['RUSTBOX_MINDBOX_ORDER_NOT_SAVED'] = 'Заказ не сохранён с ценами Mindbox: #ERROR#';
