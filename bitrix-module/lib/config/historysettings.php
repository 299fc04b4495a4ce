<?php

namespace Rustbox\Mindbox\Config;

use Bitrix\Main\Application;

/**
 * The history export's options (`history_*` in Options) as one site sees them, typed; Settings::history() gives them.
 * A value the export cannot use counts as the table's default, except where only the shop can say what it means (the
 * folder of the parts): that fails with a message naming the option.
 */
final class HistorySettings
{
    /** The date formats Mindbox's imports take (its docs show both): PHP's date() format => Mindbox's name of it. */
    public const DATE_FORMATS = ['Y-m-d H:i:s' => 'yyyy-MM-dd HH:mm:ss', 'd.m.Y H:i' => 'dd.MM.yyyy HH:mm'];
    /** Mindbox takes at most 60 import tasks an hour and 200 MB a request. */
    public const MAX_IMPORTS_PER_HOUR = 60;
    public const MAX_PART_MB = 190;
    /** Folders under the document root that a Bitrix site never serves (nginx denies them, the installer's .htaccess too). */
    private const PROTECTED_FOLDERS = ['/bitrix/php_interface/', '/local/php_interface/'];

    public function __construct(private readonly Settings $settings)
    {
    }

    /** @param 'customers'|'orders' $entity */
    public function operation(string $entity): string
    {
        return $this->settings->get('history_op_' . $entity) ?: Options::default('history_op_' . $entity);
    }

    /** A date and time in UTC as the imports take them, e.g. `Y-m-d H:i:s`. */
    public function dateFormat(): string
    {
        $format = $this->settings->get('history_date_format');
        return array_key_exists($format, self::DATE_FORMATS) ? $format : Options::default('history_date_format');
    }

    /** A date alone (a birthday) in the same style as dateFormat(). */
    public function dayFormat(): string
    {
        return str_starts_with($this->dateFormat(), 'd.') ? 'd.m.Y' : 'Y-m-d';
    }

    /** The most bytes of one part (gzip: compressed), under the 200 MB Mindbox takes in a request. */
    public function partBytes(): int
    {
        return (int)round(min($this->positiveNumber('history_part_mb'), self::MAX_PART_MB) * 1_000_000);
    }

    public function partRows(): int
    {
        return max(1, (int)$this->positiveNumber('history_part_rows'));
    }

    /** @param 'customers'|'orders' $entity */
    public function isGzip(string $entity): bool
    {
        return $this->settings->get('history_gzip_' . $entity) === 'Y';
    }

    /** Records (customers or orders) read in one query, at most 5,000. */
    public function pageSize(): int
    {
        return min(5000, max(1, (int)$this->positiveNumber('history_page_size')));
    }

    /** Seconds of work per step of a run made across web requests (the agent in visitors' hits, the admin page). */
    public function stepSeconds(): float
    {
        return $this->positiveNumber('history_step_seconds');
    }

    /** SourcePointOfContact and PointOfContact of the rows: the option, else the endpoint id. */
    public function pointOfContact(): string
    {
        return $this->settings->get('history_point_of_contact') ?: $this->settings->get('endpoint_id');
    }

    /** The hourly import budget the client keeps for the endpoint (its config `bulkImportsPerHour`). */
    public function importsPerHour(): int
    {
        return min(self::MAX_IMPORTS_PER_HOUR, max(1, (int)$this->positiveNumber('history_imports_per_hour')));
    }

    /**
     * Where the parts are written: they hold customers' personal data, so never where the web server serves files.
     * The option's folder, else a folder beside the SQLite outbox (which the module already keeps out of the web
     * server's reach: bitrix/php_interface/rustbox.mindbox by default), else beside the default outbox when the outbox
     * is MySQL; a folder of the site's own under it.
     *
     * @throws \InvalidArgumentException a relative folder, or one the web server would serve
     */
    public function directory(): string
    {
        $option = rtrim($this->settings->get('history_directory'), '/');
        $base = $option !== '' ? $option : $this->besideOutbox();
        if (!str_starts_with($base, '/')) {
            throw new \InvalidArgumentException(sprintf('history_directory must be an absolute path, not "%s"', $base));
        }
        $root = rtrim((string)Application::getDocumentRoot(), '/');
        $inside = $root !== '' && str_starts_with($base . '/', $root . '/');
        $protected = array_filter(self::PROTECTED_FOLDERS, static fn (string $folder) => str_starts_with($base . '/', $root . $folder));
        if ($inside && $protected === []) {
            throw new \InvalidArgumentException(sprintf('history_directory %s is under the document root, where the web server would serve '
                . 'customers\' data: choose a folder outside it or under bitrix/php_interface', $base));
        }
        return $base . '/history/' . ($this->settings->siteId() !== '' ? $this->settings->siteId() : 'all');
    }

    private function besideOutbox(): string
    {
        $outbox = $this->settings->clientConfig()['outbox'] ?? (string)ini_get('mindbox.outbox');
        return is_string($outbox) && str_starts_with($outbox, '/') ? dirname($outbox) : Settings::defaultOutboxDirectory();
    }

    private function positiveNumber(string $name): float
    {
        $value = $this->settings->get($name);
        return is_numeric($value) && (float)$value > 0 ? (float)$value : (float)Options::default($name);
    }
}
