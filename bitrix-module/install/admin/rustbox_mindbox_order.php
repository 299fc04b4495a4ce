<?php
// Copied to /bitrix/admin/ on install; the page itself lives in the module, under local/ or bitrix/.
$rustboxMindboxPage = '/modules/rustbox.mindbox/admin/order.php';
require is_file($_SERVER['DOCUMENT_ROOT'] . '/local' . $rustboxMindboxPage)
    ? $_SERVER['DOCUMENT_ROOT'] . '/local' . $rustboxMindboxPage
    : $_SERVER['DOCUMENT_ROOT'] . '/bitrix' . $rustboxMindboxPage;
