<?php
$MESS['RUSTBOX_MINDBOX_CHECK_OK'] = 'Mindbox отвечает, ключ принят.';
$MESS['RUSTBOX_MINDBOX_CHECK_AUTH'] = 'Mindbox отклонил ключ или endpointId: #REASON#';
$MESS['RUSTBOX_MINDBOX_CHECK_REFUSED'] = 'Mindbox отклонил запрос (проверьте имя операции баланса): #REASON#';
$MESS['RUSTBOX_MINDBOX_CHECK_UNAVAILABLE'] = 'Mindbox недоступен: #REASON#';
$MESS['RUSTBOX_MINDBOX_CHECK_FAILED'] = 'Проверка не удалась: #REASON#';
