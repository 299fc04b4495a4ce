<?php

namespace Rustbox\Mindbox\Support;

use Bitrix\Main\Config\Option;
use Bitrix\Main\Localization\Loc;
use Rustbox\Mindbox\Config\Options;

Loc::loadMessages(__FILE__);

/** Messages on top of every admin page (CAdminNotify), for what an administrator must fix. */
final class Notices
{
    private const TAG_EXTENSION = 'rustbox_mindbox_extension';
    private const TAG_STATUS = 'rustbox_mindbox_status_';
    private const TAG_OUTBOX = 'rustbox_mindbox_outbox_';
    private const TAG_CREDENTIALS = 'rustbox_mindbox_credentials_';
    private const TAG_HISTORY = 'rustbox_mindbox_history_';
    private const TAG_REPRICED = 'rustbox_mindbox_repriced_';
    private const TAG_VERSION = 'rustbox_mindbox_version';

    /**
     * Shows the "extension missing" notice while the extension is absent, and takes it away once it is there. The
     * caller tells whether it is loaded (Mindbox::isExtensionLoaded()): support/ sits below the Mindbox facade.
     */
    public static function checkExtension(bool $loaded): void
    {
        if ($loaded) {
            \CAdminNotify::DeleteByTag(self::TAG_EXTENSION);
            return;
        }
        self::add(self::TAG_EXTENSION, Loc::getMessage('RUSTBOX_MINDBOX_NOTICE_NO_EXTENSION'));
    }

    public static function unmappedStatus(string $siteId, string $status): void
    {
        self::add(self::TAG_STATUS . md5($siteId . '|' . $status), Loc::getMessage('RUSTBOX_MINDBOX_NOTICE_UNMAPPED_STATUS', self::siteFields($siteId, [
            '#STATUS#' => htmlspecialcharsbx($status),
        ])));
    }

    /**
     * The module's files are older than the version installed (Setup\Upgrade): it does nothing until they are
     * replaced. Added once per pair of versions, not on every hit.
     */
    public static function downgrade(string $installed, string $files): void
    {
        $pair = $installed . '>' . $files;
        if (Option::get(Options::MODULE_ID, 'downgrade_noticed', '') === $pair) {
            return;
        }
        Option::set(Options::MODULE_ID, 'downgrade_noticed', $pair);
        self::add(self::TAG_VERSION, Loc::getMessage('RUSTBOX_MINDBOX_NOTICE_DOWNGRADE', [
            '#INSTALLED#' => htmlspecialcharsbx($installed),
            '#FILES#' => htmlspecialcharsbx($files),
        ]), \CAdminNotify::TYPE_ERROR);
    }

    /** Files of the installed version, or newer ones, are back: the refusal's notice goes (one option read if none). */
    public static function downgradeEnded(): void
    {
        if (Option::get(Options::MODULE_ID, 'downgrade_noticed', '') !== '') {
            Option::delete(Options::MODULE_ID, ['name' => 'downgrade_noticed']);
            \CAdminNotify::DeleteByTag(self::TAG_VERSION);
        }
    }

    /** Mindbox recalculated an edit of a processing order at another total: the manager chooses on the order's tab. */
    public static function repriced(string $siteId, int $orderId): void
    {
        self::add(self::TAG_REPRICED . md5($siteId . '|' . $orderId), Loc::getMessage('RUSTBOX_MINDBOX_NOTICE_REPRICED', self::siteFields($siteId, [
            '#ID#' => $orderId,
        ])), \CAdminNotify::TYPE_ERROR);
    }

    /** The manager chose: the order's notice goes. */
    public static function repricingSettled(string $siteId, int $orderId): void
    {
        \CAdminNotify::DeleteByTag(self::TAG_REPRICED . md5($siteId . '|' . $orderId));
    }

    /** The extension cannot open the outbox (no location set, a directory other users can write): nothing is sent. */
    public static function outboxUnusable(string $siteId, string $reason): void
    {
        self::add(self::TAG_OUTBOX . md5($siteId), Loc::getMessage('RUSTBOX_MINDBOX_NOTICE_OUTBOX', self::siteFields($siteId, [
            '#REASON#' => htmlspecialcharsbx($reason),
        ])));
    }

    public static function outboxUsable(string $siteId): void
    {
        \CAdminNotify::DeleteByTag(self::TAG_OUTBOX . md5($siteId));
    }

    /**
     * Mindbox answers 401/403 to the site's secret key: events wait in the outbox, the key is tried again with one
     * request now and then, and they are sent once Mindbox takes it or a key it takes is set. Shown while that lasts,
     * with the time of the next try.
     *
     * @param array{credentialsRefused?: bool, credentialsProbeAt?: int|null} $stats the client's outboxStats()
     */
    public static function credentials(string $siteId, array $stats): void
    {
        $tag = self::TAG_CREDENTIALS . md5($siteId);
        if (empty($stats['credentialsRefused'])) {
            \CAdminNotify::DeleteByTag($tag);
            return;
        }
        $probeAt = $stats['credentialsProbeAt'] ?? null;
        // A time already past: no process has delivered since, and the next one to deliver tries the key first.
        $probe = is_int($probeAt) && $probeAt > time()
            ? Loc::getMessage('RUSTBOX_MINDBOX_NOTICE_PROBE_AT', ['#TIME#' => date('H:i:s', $probeAt)])
            : Loc::getMessage('RUSTBOX_MINDBOX_NOTICE_PROBE_NEXT');
        self::add($tag, Loc::getMessage('RUSTBOX_MINDBOX_NOTICE_CREDENTIALS', self::siteFields($siteId, [
            '#PROBE#' => htmlspecialcharsbx((string)$probe),
        ])));
    }

    /**
     * A site's history export ended (HistoryJob): what it sent, or for a dry run where its parts wait to be checked.
     * A run that did not end well was cancelled by an administrator, who needs no notice of it.
     *
     * @param array{ok: bool, dryRun?: bool, rows?: array<string, int>, parts?: list<array>, directory?: string} $summary HistoryJob::lastRun()
     */
    public static function historyEnded(string $siteId, array $summary): void
    {
        if (!$summary['ok']) {
            self::historyResumed($siteId);
            return;
        }
        $rows = [];
        foreach ($summary['rows'] ?? [] as $entity => $count) {
            $rows[] = Loc::getMessage($entity === 'orders' ? 'RUSTBOX_MINDBOX_NOTICE_HISTORY_LINES' : 'RUSTBOX_MINDBOX_NOTICE_HISTORY_CUSTOMERS',
                ['#COUNT#' => number_format((int)$count, 0, '.', ' ')]);
        }
        $code = empty($summary['dryRun']) ? 'RUSTBOX_MINDBOX_NOTICE_HISTORY_DONE' : 'RUSTBOX_MINDBOX_NOTICE_HISTORY_DRY_RUN';
        self::add(self::TAG_HISTORY . md5($siteId), Loc::getMessage($code, self::siteFields($siteId, [
            '#ROWS#' => htmlspecialcharsbx(implode(', ', $rows)),
            '#PARTS#' => count($summary['parts'] ?? []),
            '#DIRECTORY#' => htmlspecialcharsbx((string)($summary['directory'] ?? '')),
        ])));
    }

    /** A site's history export stopped on an error (a part refused, the disk, the database…): it waits to be resumed. */
    public static function historyFailed(string $siteId, string $error): void
    {
        self::add(self::TAG_HISTORY . md5($siteId), Loc::getMessage('RUSTBOX_MINDBOX_NOTICE_HISTORY_FAILED', self::siteFields($siteId, [
            '#ERROR#' => htmlspecialcharsbx($error),
        ])), \CAdminNotify::TYPE_ERROR);
    }

    /** A site's history export started or resumed: what was said of its last run is over. */
    public static function historyResumed(string $siteId): void
    {
        \CAdminNotify::DeleteByTag(self::TAG_HISTORY . md5($siteId));
    }

    public static function removeAll(): void
    {
        \CAdminNotify::DeleteByModule(Options::MODULE_ID);
    }

    /** The placeholders every per-site notice has: the site, and the language of the settings link. */
    private static function siteFields(string $siteId, array $more = []): array
    {
        return $more + [
            '#SITE#' => htmlspecialcharsbx($siteId !== '' ? $siteId : '-'),
            '#LANG#' => defined('LANGUAGE_ID') ? LANGUAGE_ID : 'ru',
        ];
    }

    private static function add(string $tag, ?string $message, string $type = \CAdminNotify::TYPE_NORMAL): void
    {
        \CAdminNotify::Add([
            'MESSAGE' => (string)$message,
            'TAG' => $tag,
            'MODULE_ID' => Options::MODULE_ID,
            'ENABLE_CLOSE' => 'Y',
            'NOTIFY_TYPE' => $type,
        ]);
    }
}
