<?php
$MESS['RUSTBOX_MINDBOX_AUDIT_TYPE'] = 'Mindbox (native client)';
