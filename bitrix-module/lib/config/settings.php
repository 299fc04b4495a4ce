<?php

namespace Rustbox\Mindbox\Config;

use Bitrix\Main\Application;
use Bitrix\Main\Config\Option;
use Bitrix\Main\SiteTable;

/**
 * The module's options as one site sees them: the site's own value, else the module-wide one, else the default
 * (Options, through default_option.php).
 */
final class Settings
{
    /** `outbox_path` naming the site's own MySQL database (bitrix/.settings.php), for a web cluster. */
    public const SITE_DATABASE = 'site-database';

    private array $cache = [];

    private function __construct(private readonly string $siteId)
    {
    }

    /** @param string $siteId a site id, or "" for the module-wide values */
    public static function forSite(string $siteId): self
    {
        return new self($siteId);
    }

    /**
     * The settings of every site that can send, one per distinct client setup ("" for the module-wide one first):
     * sites sharing a setup share an outbox, which needs flushing once.
     *
     * @return list<self>
     */
    public static function distinctConfigured(): array
    {
        $distinct = [];
        $siteIds = array_merge([''], array_column(SiteTable::getList(['select' => ['LID']])->fetchAll(), 'LID'));
        foreach ($siteIds as $siteId) {
            $settings = self::forSite((string)$siteId);
            if ($settings->isConfigured()) {
                $distinct[md5(serialize($settings->clientConfig()))] ??= $settings;
            }
        }
        return array_values($distinct);
    }

    public function siteId(): string
    {
        return $this->siteId;
    }

    /**
     * What var_dump() and print_r() show, of this object and of every trace that has it as an argument (it is passed
     * almost everywhere): the options read so far, without the key or the password of a MySQL outbox.
     */
    public function __debugInfo(): array
    {
        $shown = $this->cache;
        if (isset($shown['secret_key'])) {
            $shown['secret_key'] = '***';
        }
        $outbox = $shown['outbox_path'] ?? '';
        if (stripos($outbox, 'mysql://') === 0 && str_contains($outbox, '@')) {
            // Up to the last '@', as the extension reads it: an unencoded '@' may be part of the password.
            $rest = substr($outbox, strlen('mysql://'));
            $shown['outbox_path'] = 'mysql://' . substr($rest, 0, strcspn($rest, ':@/')) . ':***@' . substr($rest, strrpos($rest, '@') + 1);
        }
        return ['siteId' => $this->siteId, 'options' => $shown];
    }

    public function get(string $name): string
    {
        // "" as the default makes the core fall back to default_option.php.
        return $this->cache[$name] ??= trim((string)Option::get(Options::MODULE_ID, $name, '', $this->siteId));
    }

    public function isConfigured(): bool
    {
        return $this->get('endpoint_id') !== '' && $this->get('secret_key') !== '';
    }

    /** Server operations need the endpoint and its key; the tracker's need only the endpoint and the tracker. */
    public function isEnabled(Operation $operation): bool
    {
        $ready = $operation->isTracked()
            ? $this->isTrackerEnabled() && $this->get('endpoint_id') !== ''
            : $this->isConfigured();
        return $ready && in_array($operation->value, $this->listOption('enabled_events'), true);
    }

    /** Whether saves of an order after checkout made in this Support\SaveContext reach Mindbox. */
    public function sendsOrderEditsFrom(string $context): bool
    {
        return $this->get('order_edits_' . $context) !== 'N';
    }

    public function operationName(Operation $operation): string
    {
        return $this->get($operation->optionName());
    }

    /**
     * The outbox when neither the option nor ini `mindbox.outbox` names one: a directory of the site's own, where
     * the site keeps what must not be served (dbconn.php lives beside it), created 0750 by the extension on the
     * first event, with a deny-all .htaccess from the installer. Never a world-writable temp directory: the outbox
     * holds customers' personal data, and anyone who can write it can send to Mindbox with the shop's key.
     */
    public static function defaultOutbox(): string
    {
        return self::defaultOutboxDirectory() . '/outbox.sqlite';
    }

    public static function defaultOutboxDirectory(): string
    {
        return Application::getDocumentRoot() . '/bitrix/php_interface/' . Options::MODULE_ID;
    }

    /** The MindboxClient constructor's config for this site. */
    public function clientConfig(): array
    {
        $config = [
            'endpointId' => $this->get('endpoint_id'),
            'secretKey' => $this->get('secret_key'),
            'baseUrl' => rtrim($this->get('api_url'), '/'),
            'operations' => [],
        ];
        foreach (Operation::cases() as $operation) {
            if ($operation->helper() !== null) {
                $config['operations'][$operation->helper()] = $this->operationName($operation);
            }
        }
        $config['operations']['getCustomerBalance'] = $this->get('op_get_balance');
        if (is_numeric($this->get('timeout'))) {
            $config['timeout'] = (float)$this->get('timeout');
        }
        $outbox = $this->get('outbox_path');
        if ($outbox === self::SITE_DATABASE) {
            $outbox = SiteDatabase::outbox();
        } elseif ($outbox === '' && (string)ini_get('mindbox.outbox') === '') {
            $outbox = self::defaultOutbox();
        }
        if ($outbox !== '') {
            $config['outbox'] = $outbox;
        }
        if ($this->get('auth_scheme') !== '') {
            $config['authScheme'] = $this->get('auth_scheme');
        }
        // The history's imports an hour, kept in the outbox for every process and node that shares it.
        $config['bulkImportsPerHour'] = $this->history()->importsPerHour();
        return $config;
    }

    /**
     * The client config for the calls a shopper waits on (the balance at checkout): the site's setup with the short
     * `balance_timeout`, so that a slow Mindbox costs the checkout seconds, not the full request timeout.
     */
    public function balanceClientConfig(): array
    {
        return ['timeout' => $this->checkoutTimeout()] + $this->clientConfig();
    }

    /** Seconds a shopper may wait for each call of the checkout (`balance_timeout`: the balance, the cart, the order). */
    public function checkoutTimeout(): float
    {
        $timeout = $this->get('balance_timeout');
        return is_numeric($timeout) && (float)$timeout > 0 ? (float)$timeout : (float)Options::default('balance_timeout');
    }

    /** Seconds the checkout stops asking Mindbox after a call it did not answer in time. */
    public function breakerSeconds(): float
    {
        $seconds = $this->get('breaker_seconds');
        return is_numeric($seconds) && (float)$seconds >= 0 ? (float)$seconds : (float)Options::default('breaker_seconds');
    }

    /**
     * Seconds an order Mindbox confirmed at checkout may wait for Bitrix's save before Mindbox is told to cancel it:
     * far longer than any hit lives, so only a hit that died leaves it to happen.
     */
    public function unsavedCancelSeconds(): float
    {
        $seconds = $this->get('unsaved_cancel_seconds');
        return is_numeric($seconds) && (float)$seconds > 0 ? (float)$seconds : (float)Options::default('unsaved_cancel_seconds');
    }

    public function isLoyaltyEnabled(): bool
    {
        return $this->isConfigured() && $this->get('loyalty_enabled') === 'Y';
    }

    /** A value the mode has no case for counts as the default. */
    public function loyaltyMode(): LoyaltyMode
    {
        return LoyaltyMode::tryFrom($this->get('loyalty_mode')) ?? LoyaltyMode::from(Options::default('loyalty_mode'));
    }

    /** The balance's `systemName`, or null for the extension's choice (the only balance, or `Main`). */
    public function balanceType(): ?string
    {
        return $this->get('balance_type') !== '' ? $this->get('balance_type') : null;
    }

    /** Decimal places a customer may spend points in: 0 for whole points, at most 2 (kopecks). */
    public function pointsDecimals(): int
    {
        return max(0, min(2, (int)$this->get('points_decimals')));
    }

    public function customerIds(int|string $userId): array
    {
        return [$this->get('customer_id_key') => $this->prefixed($userId)];
    }

    public function orderIds(int|string $orderId): array
    {
        return [$this->get('order_id_key') => $this->prefixed($orderId)];
    }

    public function productIdKey(): string
    {
        return $this->get('product_id_key');
    }

    public function productIdSource(): string
    {
        return strtoupper($this->get('product_id_source')) === 'ID' ? 'ID' : 'XML_ID';
    }

    /** The product feed's options. */
    public function feed(): FeedSettings
    {
        return new FeedSettings($this);
    }

    /** The history export's options. */
    public function history(): HistorySettings
    {
        return new HistorySettings($this);
    }

    public function statusMap(): StatusMap
    {
        return StatusMap::fromJson($this->get('status_map'));
    }

    public function isTrackerEnabled(): bool
    {
        return $this->get('tracker_enabled') === 'Y';
    }

    /**
     * Test mode prefixes customer and order ids, so a staging copy of the shop sending to the production project
     * cannot overwrite real customers or orders.
     */
    private function prefixed(int|string $id): string
    {
        return ($this->get('test_mode') === 'Y' ? $this->get('test_prefix') : '') . $id;
    }

    private function listOption(string $name): array
    {
        return array_values(array_filter(array_map('trim', explode(',', $this->get($name)))));
    }
}
