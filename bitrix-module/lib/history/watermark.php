<?php

namespace Rustbox\Mindbox\History;

use Bitrix\Main\Config\Option;
use Rustbox\Mindbox\Config\Options;
use Rustbox\Mindbox\Config\Settings;

/**
 * The cut-over between the live sync and the history: the first user the live sync registered in Mindbox and the
 * first order it created there, per Mindbox endpoint (the project they went to), recorded once, when the handler
 * hands them over. The history's export stops below them, so that nothing reaches Mindbox both live and as history
 * (users and orders share one id sequence each across the shop's sites).
 */
final class Watermark
{
    public const USER = 'user';
    public const ORDER = 'order';

    /** @var array<string, true> option names recorded (or found recorded) by this process */
    private static array $recorded = [];

    /** The live sync handed a new user over: the first one is the cut-over of the endpoint's customers. */
    public static function userHandled(Settings $settings, int $userId): void
    {
        self::record($settings, self::USER, $userId);
    }

    /** The live sync handed a new order over: the first one is the cut-over of the endpoint's orders. */
    public static function orderHandled(Settings $settings, int $orderId): void
    {
        self::record($settings, self::ORDER, $orderId);
    }

    /** @param self::USER|self::ORDER $kind @return int|null the first id the live sync handled, null while it handled none */
    public static function first(Settings $settings, string $kind): ?int
    {
        $value = Option::getRealValue(Options::MODULE_ID, self::option($settings, $kind), '');
        return is_numeric($value) && (int)$value > 0 ? (int)$value : null;
    }

    /** Once recorded, a process pays one look into a static array for each later call. */
    private static function record(Settings $settings, string $kind, int $id): void
    {
        $name = self::option($settings, $kind);
        if ($id <= 0 || isset(self::$recorded[$name])) {
            return;
        }
        self::$recorded[$name] = true;
        if (Option::getRealValue(Options::MODULE_ID, $name, '') === null) {
            Option::set(Options::MODULE_ID, $name, (string)$id);
        }
    }

    /** An option of its own per endpoint and kind: no two processes write the same option but the first two of one endpoint. */
    private static function option(Settings $settings, string $kind): string
    {
        $endpoint = $settings->get('endpoint_id');
        return sprintf('history_first_%s:%s', $kind, strlen($endpoint) <= 64 ? $endpoint : md5($endpoint));
    }
}
