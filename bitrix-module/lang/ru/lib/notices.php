<?php
$MESS['RUSTBOX_MINDBOX_NOTICE_NO_EXTENSION'] = 'Mindbox: PHP-расширение mindbox не загружено, события магазина в Mindbox не отправляются. Подключите extension=mindbox.so в php.ini и перезапустите PHP.';
$MESS['RUSTBOX_MINDBOX_NOTICE_UNMAPPED_STATUS'] = 'Mindbox: для статуса заказа «#STATUS#» (сайт #SITE#) не задан статус Mindbox, изменение не отправлено. Задайте соответствие в <a href="/bitrix/admin/settings.php?mid=rustbox.mindbox&lang=#LANG#">настройках модуля</a>.';
