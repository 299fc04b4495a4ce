<?php
$MESS['RUSTBOX_MINDBOX_CHECK_OK'] = 'Mindbox answers and accepts the key.';
$MESS['RUSTBOX_MINDBOX_CHECK_AUTH'] = 'Mindbox refused the key or the endpoint id: #REASON#';
$MESS['RUSTBOX_MINDBOX_CHECK_REFUSED'] = 'Mindbox refused the request (check the balance operation name): #REASON#';
$MESS['RUSTBOX_MINDBOX_CHECK_UNAVAILABLE'] = 'Mindbox cannot be reached: #REASON#';
$MESS['RUSTBOX_MINDBOX_CHECK_FAILED'] = 'The check failed: #REASON#';
