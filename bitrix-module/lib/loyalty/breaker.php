<?php

namespace Rustbox\Mindbox\Loyalty;

use Bitrix\Main\Config\Option;
use Rustbox\Mindbox\Config\Options;
use Rustbox\Mindbox\Config\Settings;

/**
 * The circuit breaker of the calls a shopper waits on (the balance, the cart's calculation, the order's confirmation).
 * When Mindbox fails to answer one of them in time, the checkout stops asking for `breaker_seconds`: every
 * recalculation of every buyer would otherwise wait the full timeout again. The state is a site option, so every
 * worker and every node of the site sees it; after the pause one worker probes (it claims the probe by pushing the
 * pause out by its own timeout), the others keep skipping until the probe has answered.
 */
final class Breaker
{
    private const OPTION = 'checkout_breaker_until';

    /**
     * Runs $call unless the breaker is open. A MindboxUnavailableException (no answer in time, 5xx) opens it and is
     * rethrown; any other outcome closes it.
     *
     * @template T
     * @param callable(): T $call
     * @return T
     * @throws BreakerOpen while open
     */
    public static function guard(Settings $settings, callable $call): mixed
    {
        $until = self::until($settings);
        $now = microtime(true);
        if ($until > $now) {
            throw new BreakerOpen($until - $now);
        }
        if ($until > 0) {
            self::set($settings, $now + $settings->checkoutTimeout() + 1);
        }
        try {
            $result = $call();
        } catch (\MindboxUnavailableException $e) {
            self::set($settings, microtime(true) + $settings->breakerSeconds());
            throw $e;
        }
        if ($until > 0) {
            self::set($settings, 0);
        }
        return $result;
    }

    public static function isOpen(Settings $settings): bool
    {
        return self::until($settings) > microtime(true);
    }

    /** Read afresh on every call, not from Settings' cache: another worker may have opened it a moment ago. */
    private static function until(Settings $settings): float
    {
        return (float)Option::get(Options::MODULE_ID, self::OPTION, '0', $settings->siteId());
    }

    private static function set(Settings $settings, float $until): void
    {
        if ($until <= 0) {
            Option::delete(Options::MODULE_ID, ['name' => self::OPTION, 'site_id' => $settings->siteId()]);
            return;
        }
        Option::set(Options::MODULE_ID, self::OPTION, sprintf('%.3F', $until), $settings->siteId());
    }
}
