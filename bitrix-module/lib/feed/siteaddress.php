<?php

namespace Rustbox\Mindbox\Feed;

use Bitrix\Main\Application;
use Bitrix\Main\Config\Option;
use Bitrix\Main\SiteTable;
use Rustbox\Mindbox\Config\FeedSettings;

/**
 * Where a site is, for the feed: the origin its addresses start with (https unless `feed_https` is N; the server name
 * of `feed_server_name`, else the site's, else the main module's), its folder, its name, and its document root. Mindbox
 * downloads pictures and opens pages by absolute URL, so every address in the feed goes through absolute().
 */
final class SiteAddress
{
    private function __construct(private readonly string $scheme, private readonly string $server, private readonly array $site)
    {
    }

    /** @throws FeedException no such site, or no server name anywhere */
    public static function of(FeedSettings $settings): self
    {
        $site = SiteTable::getList([
            'select' => ['LID', 'NAME', 'DIR', 'SERVER_NAME', 'DOC_ROOT', 'SITE_NAME'],
            'filter' => ['=LID' => $settings->siteId()],
        ])->fetch();
        if (!$site) {
            throw new FeedException(sprintf('There is no site "%s" to make a feed for', $settings->siteId()));
        }
        $server = $settings->serverName();
        $server = $server !== '' ? $server : trim((string)$site['SERVER_NAME']);
        $server = $server !== '' ? $server : trim((string)Option::get('main', 'server_name', ''));
        if ($server === '') {
            throw new FeedException(sprintf(
                'Site "%s" has no server name: set it in the site\'s settings or in the module\'s feed_server_name, so that the feed\'s addresses are absolute',
                $settings->siteId()
            ));
        }
        return new self($settings->isHttps() ? 'https' : 'http', $server, $site);
    }

    /** An address as Mindbox needs it: one on another host (a CDN) kept, a path put on the site's origin. */
    public function absolute(string $url): string
    {
        if (preg_match('#^[a-z][a-z0-9+.-]*://#i', $url)) {
            return $url;
        }
        if (str_starts_with($url, '//')) {
            return $this->scheme . ':' . $url;
        }
        return $this->scheme . '://' . $this->server . '/' . ltrim($url, '/');
    }

    /** The site's home page. */
    public function home(): string
    {
        return $this->absolute((string)($this->site['DIR'] ?: '/'));
    }

    public function name(): string
    {
        return trim((string)$this->site['SITE_NAME']) ?: (string)$this->site['NAME'];
    }

    public function documentRoot(): string
    {
        return rtrim(trim((string)$this->site['DOC_ROOT']) ?: Application::getDocumentRoot(), '/');
    }
}
