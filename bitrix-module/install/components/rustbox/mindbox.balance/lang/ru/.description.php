<?php
$MESS['RUSTBOX_MINDBOX_BALANCE_NAME'] = 'Mindbox: баланс баллов';
$MESS['RUSTBOX_MINDBOX_BALANCE_DESCRIPTION'] = 'Баллы программы лояльности Mindbox у авторизованного покупателя';
