<?php

namespace Rustbox\Mindbox\Feed;

use Bitrix\Main\Config\Option;
use Rustbox\Mindbox\Config\FeedSettings;
use Rustbox\Mindbox\Config\Options;

/**
 * Where a site's feeds are: `<document root>/<upload dir>/rustbox.mindbox/<token>/catalog.yml` (`.yml.gz` with
 * `feed_gzip`), a regional feed `catalog-<zone>.yml` beside it, and the run's staging folder `.staging` in the same
 * place. The token is random, made once per site and kept in the option `feed_token` of the site: the folder's address
 * cannot be guessed, so the feed is served by the web server to whoever was given the URL (Mindbox) and nobody else.
 * Changing the token (deleting the option) moves the feed to a new address.
 */
final class FeedFiles
{
    public const TOKEN_OPTION = 'feed_token';
    private const FOLDER = 'rustbox.mindbox';

    public function __construct(private readonly FeedSettings $settings, private readonly SiteAddress $address)
    {
    }

    /** The feed's file on disk: the main feed, or a zone's regional one. */
    public function path(?string $zone = null): string
    {
        return $this->address->documentRoot() . $this->relative($zone);
    }

    /** The address to paste into Mindbox (its feed settings, "URL"). */
    public function url(?string $zone = null): string
    {
        return $this->address->absolute($this->relative($zone));
    }

    public function directory(): string
    {
        return dirname($this->path());
    }

    public function stagingDirectory(): string
    {
        return $this->directory() . '/.staging';
    }

    /** @throws FeedException the folder cannot be made */
    public function ensureDirectory(): void
    {
        $directory = $this->stagingDirectory();
        if (!is_dir($directory) && !@mkdir($directory, 0755, true) && !is_dir($directory)) {
            throw new FeedException(sprintf('Cannot create the feed\'s folder %s: %s', $directory, error_get_last()['message'] ?? 'unknown error'));
        }
    }

    private function relative(?string $zone): string
    {
        if ($zone !== null && !preg_match(FeedSettings::ZONE_ID, $zone)) {
            throw new \InvalidArgumentException(sprintf('"%s" is not a zone id', $zone));
        }
        $upload = trim((string)Option::get('main', 'upload_dir', 'upload'), '/') ?: 'upload';
        $name = 'catalog' . ($zone === null ? '' : '-' . $zone) . '.yml' . ($this->settings->isGzip() ? '.gz' : '');
        return '/' . $upload . '/' . self::FOLDER . '/' . $this->token() . '/' . $name;
    }

    /**
     * Deletes the site's feeds, the run's staging and their folder, and the module's upload folder when no other site's
     * feeds are left in it: a removed module must not keep serving Mindbox a catalogue nobody updates. Nothing when the
     * site never had a feed (no token), so no token is made for it here.
     */
    public function remove(): void
    {
        if ($this->storedToken() === null) {
            return;
        }
        $directory = $this->directory();
        if (is_dir($directory)) {
            $entries = new \RecursiveIteratorIterator(
                new \RecursiveDirectoryIterator($directory, \FilesystemIterator::SKIP_DOTS),
                \RecursiveIteratorIterator::CHILD_FIRST
            );
            foreach ($entries as $entry) {
                $entry->isDir() && !$entry->isLink() ? rmdir($entry->getPathname()) : unlink($entry->getPathname());
            }
            rmdir($directory);
        }
        @rmdir(dirname($directory));
    }

    /** The random part of the feeds' addresses, made on first use; the protected endpoint's addresses carry it too. */
    public function token(): string
    {
        $token = $this->storedToken();
        if ($token === null) {
            $token = bin2hex(random_bytes(16));
            Option::set(Options::MODULE_ID, self::TOKEN_OPTION, $token, $this->settings->siteId());
        }
        return $token;
    }

    /** The site's token, null before one was made (or when the option holds anything else). */
    private function storedToken(): ?string
    {
        $token = (string)Option::getRealValue(Options::MODULE_ID, self::TOKEN_OPTION, $this->settings->siteId());
        return preg_match('/^[0-9a-f]{32}$/', $token) ? $token : null;
    }
}
