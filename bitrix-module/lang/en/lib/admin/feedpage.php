<?php
$MESS['RUSTBOX_MINDBOX_FEED_PAGE_DENIED'] = 'Only an administrator may make the feed.';
$MESS['RUSTBOX_MINDBOX_FEED_PAGE_SESSION'] = 'The session has expired: reload the page.';
$MESS['RUSTBOX_MINDBOX_FEED_PAGE_BAD_REQUEST'] = 'Unknown action or site.';
