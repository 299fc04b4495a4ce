<?php
$MESS['RUSTBOX_MINDBOX_FIELD_LABEL'] = 'Оплатить баллами';
$MESS['RUSTBOX_MINDBOX_FIELD_BALANCE'] = 'Доступно: #BALANCE# баллов';
