<?php
$MESS['RUSTBOX_MINDBOX_BALANCE_NAME'] = 'Mindbox: points balance';
$MESS['RUSTBOX_MINDBOX_BALANCE_DESCRIPTION'] = 'The logged-in customer\'s loyalty points from Mindbox';
