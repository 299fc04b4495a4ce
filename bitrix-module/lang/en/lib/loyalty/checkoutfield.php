<?php
$MESS['RUSTBOX_MINDBOX_FIELD_LABEL'] = 'Pay with points';
$MESS['RUSTBOX_MINDBOX_FIELD_BALANCE'] = 'Available: #BALANCE# points';
