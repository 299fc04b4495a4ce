<?php

namespace Rustbox\Mindbox\Support;

use Bitrix\Main\Context;
use Bitrix\Main\HttpRequest;

/**
 * Where a save of an order comes from, for the settings that let a shop keep some of them from Mindbox (the
 * `order_edits_<context>` options): the admin's pages and their AJAX (`admin`), the 1C exchange (`exchange`:
 * /bitrix/admin/1c_exchange.php, which runs without the admin prolog), the REST API (`rest`: /rest/…), an agent run
 * from cron or a script on the command line (`agent`), anything else in a web request (`site`: the checkout, the
 * buyer's account, site code).
 */
final class SaveContext
{
    public const ADMIN = 'admin';
    public const EXCHANGE = 'exchange';
    public const REST = 'rest';
    public const AGENT = 'agent';
    public const SITE = 'site';
    public const ALL = [self::ADMIN, self::EXCHANGE, self::REST, self::AGENT, self::SITE];

    public static function current(): string
    {
        $request = Context::getCurrent()?->getRequest();
        if (!AgentContext::isVisitorHit() || !$request instanceof HttpRequest) {
            return self::AGENT;
        }
        $path = (string)parse_url((string)$request->getRequestUri(), PHP_URL_PATH);
        return match (true) {
            str_starts_with($path, '/bitrix/admin/1c_exchange.php') => self::EXCHANGE,
            $request->isAdminSection() || str_starts_with($path, '/bitrix/admin/') => self::ADMIN,
            str_starts_with($path, '/rest/') => self::REST,
            default => self::SITE,
        };
    }
}
