<?php
$MESS['RUSTBOX_MINDBOX_FEED_PAGE_DENIED'] = 'Формировать фид может только администратор.';
$MESS['RUSTBOX_MINDBOX_FEED_PAGE_SESSION'] = 'Сессия истекла: обновите страницу.';
$MESS['RUSTBOX_MINDBOX_FEED_PAGE_BAD_REQUEST'] = 'Неизвестное действие или сайт.';
