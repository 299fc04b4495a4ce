<?php
$MESS['RUSTBOX_MINDBOX_POINTS_PROPERTY'] = 'Paid with points';
