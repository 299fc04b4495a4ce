<?php
$MESS['RUSTBOX_MINDBOX_MODULE_NAME'] = 'Mindbox (native client)';
$MESS['RUSTBOX_MINDBOX_MODULE_DESCRIPTION'] = 'Sends orders, registrations, profiles, carts and subscriptions to Mindbox through the mindbox PHP extension, and adds the Mindbox tracker.';
$MESS['RUSTBOX_MINDBOX_PARTNER_NAME'] = 'Rustbox';
