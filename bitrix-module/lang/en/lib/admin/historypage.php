<?php
$MESS['RUSTBOX_MINDBOX_HISTORY_PAGE_DENIED'] = 'Only an administrator may export the history.';
$MESS['RUSTBOX_MINDBOX_HISTORY_PAGE_SESSION'] = 'The session has expired: reload the page.';
$MESS['RUSTBOX_MINDBOX_HISTORY_PAGE_BAD_REQUEST'] = 'Unknown action or site.';
$MESS['RUSTBOX_MINDBOX_HISTORY_PAGE_REMOVE_RUNNING'] = 'A run is in progress: its parts stay until it ends (cancel it to drop them).';
$MESS['RUSTBOX_MINDBOX_HISTORY_PAGE_WATERMARK_USER'] = 'IDs below #BOUND#: user #BOUND# is the first the live sync registered in Mindbox';
$MESS['RUSTBOX_MINDBOX_HISTORY_PAGE_WATERMARK_ORDER'] = 'IDs below #BOUND#: order #BOUND# is the first the live sync sent to Mindbox';
$MESS['RUSTBOX_MINDBOX_HISTORY_PAGE_WATERMARK_STARTED'] = 'IDs up to #LAST#: the live sync had sent none when the run started, so all there were then';
$MESS['RUSTBOX_MINDBOX_HISTORY_PAGE_WATERMARK_NONE'] = 'IDs up to #LAST# (all there are now): the live sync has sent none yet';
