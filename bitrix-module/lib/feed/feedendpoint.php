<?php

namespace Rustbox\Mindbox\Feed;

use Rustbox\Mindbox\Config\FeedSettings;
use Rustbox\Mindbox\Config\Settings;

/**
 * The feed served by a script of the module (install/tools/…/feed.php, copied to /bitrix/tools/rustbox.mindbox/) rather
 * than straight by the web server: the same file, with the headers Mindbox reads (next-wave.md §1.1) whatever the web
 * server thinks of `.yml`, and behind a login and password when `feed_login` and `feed_password` are set.
 *
 * Without a password the address carries the site and the feeds' token, so it is as hard to guess as the file's own.
 * With one it carries the site alone: the password guards the feed, and the token, which would open the file's own
 * address to whoever saw this one, stays out of it. Mindbox fetches protected feeds only over https and so does the
 * endpoint: plain http is refused unless the request comes from the machine itself (a proxy in front of it, a test).
 * Credentials are HTTP Basic, compared in constant time. `.yml` is `text/xml; charset=utf-8`, `.yml.gz` is `application/x-gzip` (the file as it is, which
 * Mindbox takes as gzip); Last-Modified and If-Modified-Since (304); HEAD.
 */
final class FeedEndpoint
{
    public const PATH = '/bitrix/tools/rustbox.mindbox/feed.php';
    private const REALM = 'Basic realm="Mindbox product feed", charset="UTF-8"';

    /** The endpoint's address of a site's feed, or of a zone's regional one. @throws FeedException */
    public static function url(string $siteId, ?string $zone = null): string
    {
        $feed = Settings::forSite($siteId)->feed();
        $query = ['site' => $siteId] + ($feed->credentials() === null ? ['token' => self::files($feed)->token()] : [])
            + ($zone === null ? [] : ['zone' => $zone]);
        return SiteAddress::of($feed)->absolute(self::PATH . '?' . http_build_query($query));
    }

    /**
     * What to answer a request: a status, headers, and an open file (200) or a short text.
     *
     * @param array $query the request's query: site, token (without a password), zone
     * @param array $server $_SERVER: REQUEST_METHOD, REMOTE_ADDR, the credentials, HTTP_IF_MODIFIED_SINCE
     * @param bool $https whether the request came over https, as the core tells (HttpRequest::isHttps())
     * @return array{status: int, headers: array<string, string>, head: bool, file?: resource, text?: string}
     */
    public static function answer(array $query, array $server, bool $https): array
    {
        $method = strtoupper((string)($server['REQUEST_METHOD'] ?? 'GET'));
        $answer = in_array($method, ['GET', 'HEAD'], true)
            ? self::decide($query, $server, $https)
            : self::text(405, 'GET or HEAD only', ['Allow' => 'GET, HEAD']);
        return ['head' => $method === 'HEAD'] + $answer;
    }

    /** Sends an answer of answer(), the file streamed from the handle answer() opened. */
    public static function send(array $answer): void
    {
        while (ob_get_level() > 0) {
            ob_end_clean();
        }
        ini_set('zlib.output_compression', 'Off');
        http_response_code($answer['status']);
        foreach ($answer['headers'] as $name => $value) {
            header($name . ': ' . $value);
        }
        if (isset($answer['file'])) {
            if (!$answer['head'] && $answer['status'] === 200) {
                fpassthru($answer['file']);
            }
            fclose($answer['file']);
        } elseif (!$answer['head']) {
            echo $answer['text'];
        }
    }

    private static function decide(array $query, array $server, bool $https): array
    {
        $site = $query['site'] ?? null;
        $zone = $query['zone'] ?? null;
        if (!is_string($site) || !preg_match('/^[A-Za-z0-9_]{1,10}$/', $site)
            || ($zone !== null && (!is_string($zone) || !preg_match(FeedSettings::ZONE_ID, $zone)))) {
            return self::text(404, 'No such feed');
        }
        try {
            $feed = Settings::forSite($site)->feed();
            $files = self::files($feed);
        } catch (FeedException) {
            return self::text(404, 'No such feed');
        }
        $credentials = $feed->credentials();
        if ($credentials === null) {
            $token = $query['token'] ?? null;
            if (!is_string($token) || !preg_match('/^[0-9a-f]{32}$/', $token) || !hash_equals($files->token(), $token)) {
                return self::text(404, 'No such feed');
            }
        } elseif (!$https && !self::isLoopback((string)($server['REMOTE_ADDR'] ?? ''))) {
            return self::text(403, 'This feed is protected by a password: fetch it over https');
        } elseif (!self::authorised($credentials, $server)) {
            return self::text(401, 'Login and password needed', ['WWW-Authenticate' => self::REALM]);
        }
        return self::file($files->path($zone), $server);
    }

    /** The file, opened before its size and time are read: a run renaming a new feed over it changes neither. */
    private static function file(string $path, array $server): array
    {
        $file = is_file($path) ? @fopen($path, 'rb') : false;
        if ($file === false) {
            return self::text(404, 'The feed has not been made yet');
        }
        $stat = fstat($file);
        $headers = [
            'Content-Type' => str_ends_with($path, '.gz') ? 'application/x-gzip' : 'text/xml; charset=utf-8',
            'Last-Modified' => gmdate('D, d M Y H:i:s', $stat['mtime']) . ' GMT',
            'Cache-Control' => 'private, no-cache',
        ];
        $since = strtotime((string)($server['HTTP_IF_MODIFIED_SINCE'] ?? ''));
        if ($since !== false && $stat['mtime'] <= $since) {
            return ['status' => 304, 'headers' => $headers, 'file' => $file];
        }
        return ['status' => 200, 'headers' => $headers + ['Content-Length' => (string)$stat['size']], 'file' => $file];
    }

    /** Both compared whatever the first gives, so the time taken tells nothing of which was wrong. */
    private static function authorised(array $credentials, array $server): bool
    {
        [$login, $password] = self::basicCredentials($server);
        $loginMatches = hash_equals($credentials['login'], $login);
        $passwordMatches = password_verify($password, $credentials['hash']);
        return $loginMatches && $passwordMatches;
    }

    /**
     * HTTP Basic's login and password: PHP's own (mod_php, php -S) or the Authorization header as a CGI or FastCGI
     * server passes it on (REDIRECT_ after an Apache rewrite).
     *
     * @return array{0: string, 1: string}
     */
    private static function basicCredentials(array $server): array
    {
        if (isset($server['PHP_AUTH_USER'])) {
            return [(string)$server['PHP_AUTH_USER'], (string)($server['PHP_AUTH_PW'] ?? '')];
        }
        $header = (string)($server['HTTP_AUTHORIZATION'] ?? $server['REDIRECT_HTTP_AUTHORIZATION'] ?? '');
        $decoded = preg_match('/^Basic\s+(\S+)$/i', $header, $match) ? base64_decode($match[1], true) : false;
        return is_string($decoded) && str_contains($decoded, ':') ? explode(':', $decoded, 2) : ['', ''];
    }

    private static function isLoopback(string $address): bool
    {
        return $address === '::1' || preg_match('/^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i', $address) === 1;
    }

    private static function text(int $status, string $text, array $headers = []): array
    {
        return ['status' => $status, 'headers' => ['Content-Type' => 'text/plain; charset=utf-8'] + $headers, 'text' => $text . "\n"];
    }

    /** @throws FeedException no such site, or no server name for it */
    private static function files(FeedSettings $feed): FeedFiles
    {
        return new FeedFiles($feed, SiteAddress::of($feed));
    }
}
