<?php
$MESS['RUSTBOX_MINDBOX_HISTORY_PAGE_DENIED'] = 'Выгружать историю может только администратор.';
$MESS['RUSTBOX_MINDBOX_HISTORY_PAGE_SESSION'] = 'Сессия истекла: обновите страницу.';
$MESS['RUSTBOX_MINDBOX_HISTORY_PAGE_BAD_REQUEST'] = 'Неизвестное действие или сайт.';
$MESS['RUSTBOX_MINDBOX_HISTORY_PAGE_REMOVE_RUNNING'] = 'Идёт выгрузка: её файлы удалятся, когда она закончится (или отмените её).';
$MESS['RUSTBOX_MINDBOX_HISTORY_PAGE_WATERMARK_USER'] = 'ID меньше #BOUND#: пользователь #BOUND# — первый, кого онлайн-синхронизация зарегистрировала в Mindbox';
$MESS['RUSTBOX_MINDBOX_HISTORY_PAGE_WATERMARK_ORDER'] = 'ID меньше #BOUND#: заказ #BOUND# — первый, отправленный в Mindbox онлайн-синхронизацией';
$MESS['RUSTBOX_MINDBOX_HISTORY_PAGE_WATERMARK_STARTED'] = 'ID до #LAST#: при запуске онлайн-синхронизация ещё ничего не отправила, поэтому всё, что было на тот момент';
$MESS['RUSTBOX_MINDBOX_HISTORY_PAGE_WATERMARK_NONE'] = 'ID до #LAST# (всё, что есть сейчас): онлайн-синхронизация ещё ничего не отправила';
