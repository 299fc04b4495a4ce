<?php
$MESS['RUSTBOX_MINDBOX_NOTICE_NO_EXTENSION'] = 'Mindbox: PHP-расширение mindbox не загружено, события магазина в Mindbox не отправляются. Подключите extension=mindbox.so в php.ini и перезапустите PHP.';
$MESS['RUSTBOX_MINDBOX_NOTICE_UNMAPPED_STATUS'] = 'Mindbox: для статуса заказа «#STATUS#» (сайт #SITE#) не задан статус Mindbox, изменение не отправлено. Задайте соответствие в <a href="/bitrix/admin/settings.php?mid=rustbox.mindbox&lang=#LANG#">настройках модуля</a>.';
$MESS['RUSTBOX_MINDBOX_NOTICE_OUTBOX'] = 'Mindbox: очередь (outbox) сайта #SITE# недоступна, его события не сохраняются и не отправляются: #REASON# Укажите файл очереди в <a href="/bitrix/admin/settings.php?mid=rustbox.mindbox&lang=#LANG#">настройках модуля</a> (в каталоге, куда может писать только пользователь сайта, по возможности вне корня сайта).';
$MESS['RUSTBOX_MINDBOX_NOTICE_CREDENTIALS'] = 'Mindbox отклоняет секретный ключ сайта #SITE# (401/403). События сохраняются в очереди. Ключ будет проверен одним запросом #PROBE# (пока Mindbox его отклоняет, всё реже, но не реже раза в 5 минут); события уйдут, как только Mindbox его примет или когда в <a href="/bitrix/admin/settings.php?mid=rustbox.mindbox&lang=#LANG#">настройках модуля</a> будет указан рабочий ключ.';
$MESS['RUSTBOX_MINDBOX_NOTICE_PROBE_AT'] = 'в #TIME#';
$MESS['RUSTBOX_MINDBOX_NOTICE_PROBE_NEXT'] = 'при следующей отправке';
