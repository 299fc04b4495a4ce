<?php

namespace Rustbox\Mindbox\Config;

/**
 * The product feed's options (`feed_*` in Options) as one site sees them, typed; Settings::feed() gives them. A value
 * the feed cannot use counts as the table's default, except where only the shop can say what it means (the
 * catalogue, the regional zones): those fail with a message naming the option.
 */
final class FeedSettings
{
    /** What a regional zone's id may be: it is part of a file name. */
    public const ZONE_ID = '/^[A-Za-z0-9_.-]{1,64}$/';

    public function __construct(private readonly Settings $settings)
    {
    }

    public function siteId(): string
    {
        return $this->settings->siteId();
    }

    public function isEnabled(): bool
    {
        return $this->settings->get('feed_enabled') === 'Y';
    }

    /** @throws \InvalidArgumentException no catalogue chosen */
    public function iblockId(): int
    {
        $id = $this->settings->get('feed_iblock_id');
        if (!ctype_digit($id) || (int)$id <= 0) {
            throw new \InvalidArgumentException(sprintf('feed_iblock_id of site "%s" must name the catalogue\'s information block, not "%s"', $this->siteId(), $id));
        }
        return (int)$id;
    }

    /** The price type the feed shows, or null for the base one. */
    public function priceTypeId(): ?int
    {
        $id = $this->settings->get('feed_price_type');
        return ctype_digit($id) && (int)$id > 0 ? (int)$id : null;
    }

    /** Products read in one query (at most 10,000); their offers, prices and the rest follow in one query each. */
    public function pageSize(): int
    {
        $size = $this->settings->get('feed_page_size');
        return ctype_digit($size) && (int)$size > 0 ? min((int)$size, 10000) : (int)Options::default('feed_page_size');
    }

    /** @return list<string> property codes written as `param`, of products and of offers */
    public function paramCodes(): array
    {
        return $this->codes($this->settings->get('feed_params'));
    }

    public function vendorProperty(): ?string
    {
        return $this->codes($this->settings->get('feed_vendor_property'))[0] ?? null;
    }

    public function vendorCodeProperty(): ?string
    {
        return $this->codes($this->settings->get('feed_vendor_code_property'))[0] ?? null;
    }

    public function isGzip(): bool
    {
        return $this->settings->get('feed_gzip') === 'Y';
    }

    public function isHttps(): bool
    {
        return $this->settings->get('feed_https') !== 'N';
    }

    /** Seconds from the end of a run to the next one the agent makes. */
    public function intervalSeconds(): int
    {
        return (int)round($this->positiveNumber('feed_interval_hours') * 3600);
    }

    /**
     * Seconds of catalogue reading per step of a run made across web requests (the agent in visitors' hits, the admin
     * page's button); the last step, which writes the file, takes what it takes.
     */
    public function stepSeconds(): float
    {
        return $this->positiveNumber('feed_step_seconds');
    }

    /**
     * What the protected endpoint asks for: the login and the password's hash, or null when it asks for nothing (no
     * login, or no password set).
     *
     * @return array{login: string, hash: string}|null
     */
    public function credentials(): ?array
    {
        $login = $this->settings->get('feed_login');
        $hash = $this->settings->get('feed_password');
        return $login !== '' && $hash !== '' ? ['login' => $login, 'hash' => $hash] : null;
    }

    /** The server name the option gives, '' to take the site's. */
    public function serverName(): string
    {
        return preg_replace('#^https?://#i', '', rtrim($this->settings->get('feed_server_name'), '/'));
    }

    /**
     * The regional feeds: zone id => its price type (null: the feed's) and warehouse (null: availability as in the
     * main feed).
     *
     * @return array<string, array{priceType: ?int, store: ?int}>
     * @throws \InvalidArgumentException naming the zone or field that is wrong
     */
    public function regions(): array
    {
        $raw = $this->settings->get('feed_regions');
        $decoded = json_decode($raw === '' ? '{}' : $raw, true);
        if (!is_array($decoded)) {
            throw new \InvalidArgumentException('feed_regions must be a JSON object of zone id => {"priceType": id, "store": id}');
        }
        $regions = [];
        foreach ($decoded as $zone => $region) {
            $zone = (string)$zone;
            if (!preg_match(self::ZONE_ID, $zone)) {
                throw new \InvalidArgumentException(sprintf('feed_regions: zone id "%s" may hold only Latin letters, digits, "_", "-" and "." (64 at most)', $zone));
            }
            if (!is_array($region) || array_diff(array_keys($region), ['priceType', 'store']) !== []) {
                throw new \InvalidArgumentException(sprintf('feed_regions.%s must be an object with priceType and/or store', $zone));
            }
            $regions[$zone] = ['priceType' => $this->positive($region, 'priceType', $zone), 'store' => $this->positive($region, 'store', $zone)];
            if ($regions[$zone] === ['priceType' => null, 'store' => null]) {
                throw new \InvalidArgumentException(sprintf('feed_regions.%s needs a priceType or a store', $zone));
            }
        }
        return $regions;
    }

    private function positive(array $region, string $key, string $zone): ?int
    {
        $value = $region[$key] ?? null;
        if ($value === null) {
            return null;
        }
        if ((!is_int($value) && !(is_string($value) && ctype_digit($value))) || (int)$value <= 0) {
            throw new \InvalidArgumentException(sprintf('feed_regions.%s.%s must be a positive id', $zone, $key));
        }
        return (int)$value;
    }

    private function positiveNumber(string $name): float
    {
        $value = $this->settings->get($name);
        return is_numeric($value) && (float)$value > 0 ? (float)$value : (float)Options::default($name);
    }

    /** @return list<string> */
    private function codes(string $list): array
    {
        return array_values(array_unique(array_filter(array_map('trim', explode(',', $list)), 'strlen')));
    }
}
