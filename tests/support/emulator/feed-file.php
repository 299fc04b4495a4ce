<?php

declare(strict_types=1);

/**
 * A shop's web server for its feed file, for PHP's built-in server (`php -S 127.0.0.1:N feed-file.php`), so that the
 * emulator can fetch it as Mindbox does. The environment says what to serve and how:
 * FEED_FILE (the file, on every path), FEED_GZIP (`type`: a gzip file as `Content-Type: application/x-gzip`;
 * `encoding`: as `Content-Encoding: gzip` with `Content-Type: text/xml`; empty: `text/xml; charset=utf-8`),
 * FEED_LOGIN and FEED_PASSWORD (HTTP Basic required when set; 401 otherwise).
 */

$login = (string)getenv('FEED_LOGIN');
if ($login !== '' && (($_SERVER['PHP_AUTH_USER'] ?? null) !== $login
        || ($_SERVER['PHP_AUTH_PW'] ?? null) !== (string)getenv('FEED_PASSWORD'))) {
    header('WWW-Authenticate: Basic realm="feed"');
    http_response_code(401);
    return;
}
$file = (string)getenv('FEED_FILE');
if (!is_file($file)) {
    http_response_code(404);
    return;
}
switch (getenv('FEED_GZIP')) {
    case 'type':
        header('Content-Type: application/x-gzip');
        break;
    case 'encoding':
        header('Content-Type: text/xml');
        header('Content-Encoding: gzip');
        break;
    default:
        header('Content-Type: text/xml; charset=utf-8');
}
header('Content-Length: ' . filesize($file));
readfile($file);
