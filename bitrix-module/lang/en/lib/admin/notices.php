<?php
$MESS['RUSTBOX_MINDBOX_NOTICE_NO_EXTENSION'] = 'Mindbox: the PHP extension mindbox is not loaded, so no shop event reaches Mindbox. Add extension=mindbox.so to php.ini and restart PHP.';
$MESS['RUSTBOX_MINDBOX_NOTICE_UNMAPPED_STATUS'] = 'Mindbox: order status "#STATUS#" (site #SITE#) has no Mindbox status, so the change was not sent. Map it in the <a href="/bitrix/admin/settings.php?mid=rustbox.mindbox&lang=#LANG#">module settings</a>.';
$MESS['RUSTBOX_MINDBOX_NOTICE_OUTBOX'] = 'Mindbox: the outbox of site #SITE# cannot be used, so no event of it is kept or sent: #REASON# Set the outbox file in the <a href="/bitrix/admin/settings.php?mid=rustbox.mindbox&lang=#LANG#">module settings</a> (a directory only the site\'s user can write, outside the document root if you can).';
$MESS['RUSTBOX_MINDBOX_NOTICE_CREDENTIALS'] = 'Mindbox refuses the secret key of site #SITE# (401/403). Events are kept in the outbox. The key is tried again with one request #PROBE# (less often while Mindbox keeps refusing it, at least every 5 minutes); the events go as soon as Mindbox takes it, or once a working key is set in the <a href="/bitrix/admin/settings.php?mid=rustbox.mindbox&lang=#LANG#">module settings</a>.';
$MESS['RUSTBOX_MINDBOX_NOTICE_PROBE_AT'] = 'at #TIME#';
$MESS['RUSTBOX_MINDBOX_NOTICE_PROBE_NEXT'] = 'with the next delivery';
