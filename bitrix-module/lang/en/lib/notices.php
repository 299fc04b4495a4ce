<?php
$MESS['RUSTBOX_MINDBOX_NOTICE_NO_EXTENSION'] = 'Mindbox: the PHP extension mindbox is not loaded, so no shop event reaches Mindbox. Add extension=mindbox.so to php.ini and restart PHP.';
$MESS['RUSTBOX_MINDBOX_NOTICE_UNMAPPED_STATUS'] = 'Mindbox: order status "#STATUS#" (site #SITE#) has no Mindbox status, so the change was not sent. Map it in the <a href="/bitrix/admin/settings.php?mid=rustbox.mindbox&lang=#LANG#">module settings</a>.';
