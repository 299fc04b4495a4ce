<?php

declare(strict_types=1);

/**
 * The shop's web server for its feed file, as a site's nginx serves the token folder's `catalog.yml` (PHP's built-in
 * server, `php -S … demo/feedfile.php`, with DEMO_FEED_FILE naming the file): the type Mindbox reads a YML feed as.
 */

$file = (string)getenv('DEMO_FEED_FILE');
if (!is_file($file)) {
    http_response_code(404);
    return;
}
$gzip = str_ends_with($file, '.gz');
header($gzip ? 'Content-Type: application/x-gzip' : 'Content-Type: text/xml; charset=utf-8');
header('Content-Length: ' . filesize($file));
readfile($file);
