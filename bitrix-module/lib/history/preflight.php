<?php

namespace Rustbox\Mindbox\History;

use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Mindbox;

/**
 * What must hold before a run starts, each refusal saying what to fix: an hour into a run is no time to learn that
 * an order status has no Mindbox status or that the parts cannot be written.
 */
final class Preflight
{
    /** @throws HistoryException */
    public static function check(Settings $settings, array $setup, OrderReader $orders): void
    {
        if (!Mindbox::isExtensionLoaded() || !class_exists(\MindboxCsvWriter::class)) {
            throw new HistoryException('The mindbox PHP extension (with MindboxCsvWriter) is not loaded: it writes and sends the history');
        }
        if (!$setup['dryRun'] && !$settings->isConfigured()) {
            throw new HistoryException(sprintf('Mindbox is not configured for site "%s": set the endpoint id and the secret key in the module settings', $settings->siteId()));
        }
        foreach (['customer_id_key', 'order_id_key', 'product_id_key'] as $name) {
            if ($settings->get($name) === '') {
                throw new HistoryException(sprintf('%s is empty: the imports name their id columns after it', $name));
            }
        }
        if (in_array(JobState::ORDERS, $setup['scope'], true)) {
            $map = $settings->statusMap();
            $unmapped = array_values(array_filter($orders->statusesInUse(), static fn (string $status) => $map->mindboxStatus($status) === null));
            if ($unmapped !== []) {
                throw new HistoryException(sprintf('Order statuses in use have no Mindbox status in the status map (status_map): %s. '
                    . 'Map them on the settings page (Ids and statuses) before exporting the orders', '"' . implode('", "', $unmapped) . '"'));
            }
        }
        self::directory($setup['directory']);
    }

    /** The parts' folder, made if need be, private to the site's PHP: it will hold personal data. */
    private static function directory(string $directory): void
    {
        if (!is_dir($directory) && !@mkdir($directory, 0700, true) && !is_dir($directory)) {
            throw new HistoryException(sprintf('The folder for the parts, %s, cannot be made: set history_directory to a folder PHP may write', $directory));
        }
        if (!is_writable($directory)) {
            throw new HistoryException(sprintf('The folder for the parts, %s, cannot be written by PHP: set history_directory to one it may write', $directory));
        }
    }
}
