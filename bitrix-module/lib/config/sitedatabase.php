<?php

namespace Rustbox\Mindbox\Config;

use Bitrix\Main\Config\Configuration;
use Rustbox\Mindbox\ConfigurationException;

/**
 * The outbox in the site's own MySQL database (`outbox_path` = `site-database`), for a web cluster: every node
 * already reaches it, with the credentials of bitrix/.settings.php, so no second set of them is kept anywhere.
 * The tables get a prefix of their own beside Bitrix's.
 */
final class SiteDatabase
{
    public const TABLE_PREFIX = 'b_rustbox_mindbox_';

    /**
     * @throws ConfigurationException when the site's connection is not a MySQL one
     */
    public static function outbox(): string
    {
        $connection = Configuration::getValue('connections')['default'] ?? null;
        $class = strtolower((string)($connection['className'] ?? ''));
        if (!is_array($connection) || !str_contains($class, 'mysql')) {
            throw new ConfigurationException('the site\'s database connection (bitrix/.settings.php) is not a MySQL one');
        }
        $credentials = rawurlencode((string)$connection['login']);
        if ((string)($connection['password'] ?? '') !== '') {
            $credentials .= ':' . rawurlencode((string)$connection['password']);
        }
        [$server, $socket] = self::server((string)$connection['host']);
        $query = ['prefix' => self::TABLE_PREFIX] + ($socket !== null ? ['socket' => $socket] : []);
        return sprintf('mysql://%s@%s/%s?%s', $credentials, $server, rawurlencode((string)$connection['database']), http_build_query($query, '', '&', PHP_QUERY_RFC3986));
    }

    /**
     * Bitrix's host setting is `host`, `host:port`, or `localhost:/path/to/mysqld.sock` for a socket.
     *
     * @return array{0: string, 1: string|null} the server part of the address, and the socket if any
     */
    private static function server(string $host): array
    {
        $host = trim($host);
        $colon = strpos($host, ':');
        if ($colon !== false && str_starts_with(substr($host, $colon + 1), '/')) {
            return ['localhost', substr($host, $colon + 1)];
        }
        return [$host === '' ? 'localhost' : $host, null];
    }
}
