<?php

namespace Rustbox\Mindbox\Admin;

use Bitrix\Main\HttpRequest;
use Bitrix\Main\Localization\Loc;
use Bitrix\Main\SiteTable;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Feed\FeedBusyException;
use Rustbox\Mindbox\Feed\FeedEndpoint;
use Rustbox\Mindbox\Feed\FeedJob;

Loc::loadMessages(__FILE__);

/**
 * What the product feed's admin page shows (per site: the last run, the addresses to paste into Mindbox, a run in
 * progress) and does: its script starts a run and carries it on a step per request until it ends, or cancels it.
 */
final class FeedPage
{
    private const ACTIONS = ['start', 'step', 'cancel', 'status'];

    /**
     * @return list<array{siteId: string, name: string, enabled: bool, protected: bool, status: array, url: ?string,
     *     endpoint: ?string, zones: array<string, array{url: string, endpoint: string}>, error: ?string}>
     *     `error`: why the addresses cannot be made (no server name…)
     */
    public static function overview(): array
    {
        $blocks = [];
        foreach (SiteTable::getList(['select' => ['LID', 'NAME']])->fetchAll() as $site) {
            $siteId = (string)$site['LID'];
            $feed = Settings::forSite($siteId)->feed();
            $job = FeedJob::forSite($siteId);
            $block = ['siteId' => $siteId, 'name' => (string)$site['NAME'], 'enabled' => $feed->isEnabled(),
                'protected' => $feed->credentials() !== null, 'status' => $job->status(), 'url' => null, 'endpoint' => null,
                'zones' => [], 'error' => null];
            try {
                $block['url'] = $job->url();
                $block['endpoint'] = FeedEndpoint::url($siteId);
                foreach (array_keys($feed->regions()) as $zone) {
                    $block['zones'][$zone] = ['url' => $job->url($zone), 'endpoint' => FeedEndpoint::url($siteId, $zone)];
                }
            } catch (\RuntimeException | \InvalidArgumentException $e) {
                $block['error'] = $e->getMessage();
            }
            $blocks[] = $block;
        }
        return $blocks;
    }

    /**
     * One of the page's requests (POST `action`: start, step, cancel or status; `site`; `sessid`), for an
     * administrator with the session's token only.
     *
     * @return array{status: int, body: array} the HTTP status and the JSON: the run's status (FeedJob::status()),
     *     or `error` (403 not allowed, 400 a bad request, 409 busy, 500 the run failed)
     */
    public static function action(HttpRequest $request): array
    {
        if (!is_object($GLOBALS['USER'] ?? null) || !$GLOBALS['USER']->IsAdmin()) {
            return self::error(403, Loc::getMessage('RUSTBOX_MINDBOX_FEED_PAGE_DENIED'));
        }
        if (!$request->isPost() || !check_bitrix_sessid()) {
            return self::error(403, Loc::getMessage('RUSTBOX_MINDBOX_FEED_PAGE_SESSION'));
        }
        $action = (string)$request->getPost('action');
        $siteId = (string)$request->getPost('site');
        $sites = array_map('strval', array_column(SiteTable::getList(['select' => ['LID']])->fetchAll(), 'LID'));
        if (!in_array($action, self::ACTIONS, true) || !in_array($siteId, $sites, true)) {
            return self::error(400, Loc::getMessage('RUSTBOX_MINDBOX_FEED_PAGE_BAD_REQUEST'));
        }
        $job = FeedJob::forSite($siteId);
        try {
            $status = match ($action) {
                'start' => $job->start(),
                'step' => $job->step(Settings::forSite($siteId)->feed()->stepSeconds()),
                'cancel' => self::cancelled($job),
                'status' => $job->status(),
            };
        } catch (FeedBusyException $e) {
            return self::error(409, $e->getMessage());
        } catch (\Throwable $e) {
            return self::error(500, $e->getMessage());
        }
        return ['status' => 200, 'body' => $status];
    }

    private static function cancelled(FeedJob $job): array
    {
        $job->cancel();
        return $job->status();
    }

    private static function error(int $status, string $message): array
    {
        return ['status' => $status, 'body' => ['error' => $message]];
    }
}
