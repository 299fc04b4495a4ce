<?php
$MESS['RUSTBOX_MINDBOX_BALANCE_AMOUNT'] = 'Your points: #BALANCE#';
$MESS['RUSTBOX_MINDBOX_BALANCE_UNAVAILABLE'] = 'Your points are unavailable right now';
