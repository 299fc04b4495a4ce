<?php

namespace Rustbox\Mindbox\Handlers;

use Bitrix\Main\Context;
use Bitrix\Main\Page\Asset;
use Bitrix\Main\Page\AssetLocation;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Mappers\CustomerMapper;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Shop\Customers;
use Rustbox\Mindbox\Shop\Visitor;
use Rustbox\Mindbox\Support\Guard;
use Rustbox\Mindbox\Support\PageScript;

/**
 * The Mindbox JavaScript tracker on public pages (main:OnProlog). It sets the mindboxDeviceUUID cookie that the
 * server side reads, and identifies a logged-in user with the same customer id the server sends, so the browser
 * and the server speak of one customer.
 */
final class Tracker
{
    public static function onProlog(): void
    {
        Guard::run('main:OnProlog', static function (): void {
            if (!Visitor::isPublic(Context::getCurrent()?->getRequest())) {
                return;
            }
            $settings = Mindbox::settings();
            if (!$settings->isTrackerEnabled() || $settings->get('endpoint_id') === '') {
                return;
            }
            $userId = Visitor::current()->userId();
            $customerId = Customers::isCustomerId($userId) ? $userId : null;
            Asset::getInstance()->addString(self::snippet($settings, $customerId), true, AssetLocation::AFTER_JS_KERNEL);
        });
    }

    /** The tracker's queue, its commands for this page (create, and identify a customer) and its script. */
    private static function snippet(Settings $settings, ?int $customerId): string
    {
        $calls = [PageScript::trackerCall('create', ['endpointId' => $settings->get('endpoint_id')])];
        if ($customerId !== null) {
            $calls[] = PageScript::trackerCall('identify', [
                'operation' => $settings->get('op_identify'),
                'data' => (new CustomerMapper($settings))->identity($customerId),
            ]);
        }
        $src = htmlspecialchars(self::scriptUrl($settings), ENT_QUOTES | ENT_HTML5, 'UTF-8');
        return PageScript::unmoved('window.mindbox = window.mindbox || function() { mindbox.queue.push(arguments); };'
            . 'mindbox.queue = mindbox.queue || [];'
            . implode('', $calls))
            . '<script data-skip-moving="true" src="' . $src . '" async></script>';
    }

    private static function scriptUrl(Settings $settings): string
    {
        $parts = parse_url($settings->get('api_url'));
        $host = $parts['host'] ?? 'api.mindbox.ru';
        $port = isset($parts['port']) ? ':' . $parts['port'] : '';
        $scheme = ($parts['scheme'] ?? 'https') === 'http' ? 'http' : 'https';
        return $scheme . '://' . $host . $port . '/scripts/v1/tracker.js';
    }
}
