<?php

namespace Rustbox\Mindbox\Handlers;

use Bitrix\Main\Context;
use Bitrix\Main\Page\Asset;
use Bitrix\Main\Page\AssetLocation;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Shop\Customers;
use Rustbox\Mindbox\Shop\Visitor;
use Rustbox\Mindbox\Support\Guard;

/**
 * The Mindbox JavaScript tracker on public pages (main:OnProlog). It sets the mindboxDeviceUUID cookie that the
 * server side reads, and identifies a logged-in user with the same customer id the server sends, so the browser
 * and the server speak of one customer.
 */
final class Tracker
{
    private const JSON = JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_UNESCAPED_UNICODE
        | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR;

    public static function onProlog(): void
    {
        Guard::run('main:OnProlog', static function (): void {
            $request = Context::getCurrent()?->getRequest();
            if (!Visitor::isPublic($request)) {
                return;
            }
            $settings = Mindbox::settings();
            if (!$settings->isTrackerEnabled() || $settings->get('endpoint_id') === '') {
                return;
            }
            global $USER;
            $userId = is_object($USER) && $USER->IsAuthorized() ? (int)$USER->GetID() : 0;
            $userId = Customers::isCustomerId($userId) ? $userId : 0;
            Asset::getInstance()->addString(self::snippet($settings, $userId), true, AssetLocation::AFTER_JS_KERNEL);
        });
    }

    /**
     * Every value goes into the page through json_encode with HTML-special characters escaped, so a setting or a
     * user field holding "</script>" or quotes stays a string.
     */
    public static function snippet(Settings $settings, int $userId): string
    {
        $calls = ["mindbox('create', " . json_encode(['endpointId' => $settings->get('endpoint_id')], self::JSON) . ');'];
        if ($userId > 0) {
            $calls[] = "mindbox('identify', " . json_encode([
                'operation' => $settings->get('op_identify'),
                'data' => ['customer' => ['ids' => $settings->customerIds($userId)]],
            ], self::JSON) . ');';
        }
        $src = htmlspecialchars(self::scriptUrl($settings), ENT_QUOTES | ENT_HTML5, 'UTF-8');
        // data-skip-moving keeps Bitrix from moving the snippet to the bottom: the tracker must be up before page code calls it.
        return '<script data-skip-moving="true">'
            . 'window.mindbox = window.mindbox || function() { mindbox.queue.push(arguments); };'
            . 'mindbox.queue = mindbox.queue || [];'
            . implode('', $calls)
            . '</script>'
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
