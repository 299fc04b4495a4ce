<?php

namespace Rustbox\Mindbox\Loyalty;

/**
 * Checkouts whose discounts Mindbox would not confirm, remembered in the buyer's session (which every tab and hit of
 * the buyer shares) by the calculation that priced them, so that the next hit prices that same cart at Bitrix's own
 * prices instead of showing the discounts again and failing again. A changed cart, promo code or amount of points is
 * another calculation, which Mindbox is asked about afresh.
 */
final class Refusals
{
    private const KEY = 'RUSTBOX_MINDBOX_REFUSED';
    private const SECONDS = 3600;
    /** Enough for any buyer's retries, and a bound on what a session can be made to hold. */
    private const MOST = 20;

    public static function remember(array $request): void
    {
        $known = self::current();
        $known[self::hash($request)] = time() + self::SECONDS;
        $_SESSION[self::KEY] = array_slice($known, -self::MOST, null, true);
    }

    public static function has(array $request): bool
    {
        return isset(self::current()[self::hash($request)]);
    }

    /** @return array<string, int> the hashes still remembered, with when each is forgotten */
    private static function current(): array
    {
        $known = is_array($_SESSION[self::KEY] ?? null) ? $_SESSION[self::KEY] : [];
        return array_filter($known, static fn ($until) => is_int($until) && $until > time());
    }

    private static function hash(array $request): string
    {
        return hash('sha256', json_encode($request));
    }
}
