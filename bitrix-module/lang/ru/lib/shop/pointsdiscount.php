<?php
$MESS['RUSTBOX_MINDBOX_POINTS_PROPERTY'] = 'Оплачено баллами';
