<?php

namespace Rustbox\Mindbox\Loyalty;

use Bitrix\Main\Context;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Support\EventLog;
use Rustbox\Mindbox\Support\Kopecks;

/**
 * A customer's available points, asked of Mindbox synchronously (the one call the shopper waits on) through the
 * short-timeout balance client, and at most once per request: the balance component and the checkout of one hit
 * share the answer, while every new hit, such as each refresh of the checkout, asks afresh. What the buyer's orders
 * not yet delivered hold (PointsHold) is taken off, read afresh on every call.
 */
final class Balance
{
    /** @var \WeakMap<object, array<string, int|null>>|null answers by request, forgotten with the request */
    private static ?\WeakMap $answers = null;

    /** @return int|null the available points in kopecks, null when Mindbox could not say (slow, down, misconfigured) */
    public static function of(Settings $settings, int $userId): ?int
    {
        $request = Context::getCurrent()?->getRequest();
        if ($request === null) {
            return self::lessHeld($settings, $userId, self::fetch($settings, $userId));
        }
        self::$answers ??= new \WeakMap();
        $known = self::$answers[$request] ?? [];
        $key = $settings->siteId() . '|' . $userId;
        if (!array_key_exists($key, $known)) {
            $known[$key] = self::fetch($settings, $userId);
            self::$answers[$request] = $known;
        }
        return self::lessHeld($settings, $userId, $known[$key]);
    }

    private static function lessHeld(Settings $settings, int $userId, ?int $available): ?int
    {
        if ($available === null) {
            return null;
        }
        try {
            return max(0, $available - PointsHold::held($settings, $userId));
        } catch (\Throwable $e) {
            // Not knowing what is held, no points can safely be offered.
            EventLog::failure('loyalty:balance', $e);
            return null;
        }
    }

    private static function fetch(Settings $settings, int $userId): ?int
    {
        try {
            $available = Breaker::guard($settings, static fn () => Mindbox::balanceClient($settings->siteId())
                ->getCustomerBalance(['ids' => $settings->customerIds($userId)], $settings->balanceType()));
            return max(0, Kopecks::fromMoney($available));
        } catch (BreakerOpen) {
            // Said once, when it opened; every hit of the pause saying it again would flood the event log.
        } catch (\MindboxUnavailableException $e) {
            // Expected while Mindbox is slow or down: a warning, not an error, and the checkout goes on without points.
            EventLog::warning('loyalty:balance', get_class($e) . ': ' . $e->getMessage());
        } catch (\Throwable $e) {
            EventLog::failure('loyalty:balance', $e);
        }
        return null;
    }
}
