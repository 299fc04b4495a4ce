<?php
$MESS['RUSTBOX_MINDBOX_MENU'] = 'Mindbox';
$MESS['RUSTBOX_MINDBOX_MENU_OUTBOX'] = 'Очередь отправки';
$MESS['RUSTBOX_MINDBOX_MENU_SETTINGS'] = 'Настройки';
$MESS['RUSTBOX_MINDBOX_MENU_FEED'] = 'Продуктовый фид';
$MESS['RUSTBOX_MINDBOX_MENU_HISTORY'] = 'Выгрузка истории';
