<?php

namespace Rustbox\Mindbox;

use Bitrix\Main\Context;
use Rustbox\Mindbox\Config\Options;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Support\ModuleVersion;

/**
 * The module's entry point for site code (init.php, components): a MindboxClient configured from the module's
 * settings of a site.
 *
 *     $balance = \Rustbox\Mindbox\Mindbox::client()->getCustomerBalance(['ids' => ['websiteID' => '42']]);
 */
final class Mindbox
{
    /** For site code; the module's own classes take it from Config\Options. */
    public const MODULE_ID = Options::MODULE_ID;

    /** @var array<string, \MindboxClientInterface> */
    private static array $clients = [];

    /** @var array<string, \MindboxClientInterface> */
    private static array $balanceClients = [];

    /** @var null|callable(array, Settings): \MindboxClientInterface */
    private static $factory = null;

    /**
     * @param string|null $siteId null for the current site
     * @throws ConfigurationException when the site has no endpoint or key, or the extension is not loaded
     */
    public static function client(?string $siteId = null): \MindboxClientInterface
    {
        $settings = self::settings($siteId);
        return self::$clients[$settings->siteId()] ??= self::create($settings, $settings->clientConfig());
    }

    /**
     * The client for the calls a shopper waits on, such as the balance at checkout: the site's setup with the short
     * `balance_timeout` instead of `timeout`.
     *
     * @throws ConfigurationException as client()
     */
    public static function balanceClient(?string $siteId = null): \MindboxClientInterface
    {
        $settings = self::settings($siteId);
        return self::$balanceClients[$settings->siteId()] ??= self::create($settings, $settings->balanceClientConfig());
    }

    public static function settings(?string $siteId = null): Settings
    {
        return Settings::forSite($siteId ?? self::currentSiteId());
    }

    /**
     * Replaces how clients are made, e.g. with a decorator or, in a shop's tests, a mock of MindboxClientInterface.
     * Null restores the default (a MindboxClient of the extension). $config holds the secret key: declare it
     * `#[\SensitiveParameter] array $config` in the factory, so that traces do not show it.
     *
     * @param null|callable(array $config, Settings $settings): \MindboxClientInterface $factory
     */
    public static function setClientFactory(?callable $factory): void
    {
        self::$factory = $factory;
        self::reset();
    }

    /** Forgets the clients made so far, for long-running scripts whose settings changed. */
    public static function reset(): void
    {
        self::$clients = [];
        self::$balanceClients = [];
    }

    public static function isExtensionLoaded(): bool
    {
        return extension_loaded('mindbox') && class_exists(\MindboxClient::class, false);
    }

    /** Whether clients can be made at all: the extension is loaded, or a factory was supplied. */
    public static function isAvailable(): bool
    {
        return self::$factory !== null || self::isExtensionLoaded();
    }

    public static function currentSiteId(): string
    {
        $site = Context::getCurrent()?->getSite();
        if (is_string($site) && $site !== '') {
            return $site;
        }
        return defined('SITE_ID') && !(defined('ADMIN_SECTION') && ADMIN_SECTION === true) ? (string)SITE_ID : '';
    }

    private static function create(Settings $settings, #[\SensitiveParameter] array $config): \MindboxClientInterface
    {
        if (!$settings->isConfigured()) {
            throw new ConfigurationException(sprintf(
                'Mindbox is not configured for site "%s": set the endpoint id and the secret key in the module settings',
                $settings->siteId()
            ));
        }
        if (ModuleVersion::isDowngrade()) {
            throw new ConfigurationException(sprintf(
                'The module\'s files (%s) are older than the version installed (%s): nothing is sent until files of that version or newer are back',
                ModuleVersion::files(),
                ModuleVersion::installed()
            ));
        }
        if (self::$factory !== null) {
            return (self::$factory)($config, $settings);
        }
        if (!self::isExtensionLoaded()) {
            throw new ConfigurationException('The PHP extension "mindbox" is not loaded: nothing is sent to Mindbox');
        }
        return new \MindboxClient($config);
    }
}
