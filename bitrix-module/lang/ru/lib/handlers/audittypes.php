<?php
$MESS['RUSTBOX_MINDBOX_AUDIT_TYPE'] = 'Mindbox (нативный клиент)';
