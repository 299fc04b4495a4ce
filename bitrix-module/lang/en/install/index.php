<?php
$MESS['RUSTBOX_MINDBOX_MODULE_NAME'] = 'Mindbox (native client)';
$MESS['RUSTBOX_MINDBOX_MODULE_DESCRIPTION'] = 'Sends orders, registrations, profiles, carts and subscriptions to Mindbox through the mindbox PHP extension, and adds the Mindbox tracker.';
$MESS['RUSTBOX_MINDBOX_PARTNER_NAME'] = 'Rustbox';
$MESS['RUSTBOX_MINDBOX_UNINSTALL_INCOMPLETE'] = 'The module is removed, but not all of it: #DETAILS#. The event log (type RUSTBOX_MINDBOX) has each failure; what is left can be deleted by hand (a cart rule in Marketing → Cart rules).';
