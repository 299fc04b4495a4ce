<?php

namespace Rustbox\Mindbox\Admin;

use Bitrix\Main\Config\Option;
use Bitrix\Main\Localization\Loc;
use Rustbox\Mindbox\Config\Operation;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Mindbox;

Loc::loadMessages(__FILE__);

/**
 * The fields of the settings page and how a posted form is saved, for the module-wide scope ("") or one site.
 * A site stores only what differs from the module-wide value, so changing a module-wide value reaches every site
 * that did not set its own.
 */
final class OptionsForm
{
    /** name => [type, group]; types: text, secret, url, number, select (choices in CHOICES), yesno, events, json */
    private const FIELDS = [
        'endpoint_id' => ['text', 'connection'],
        'secret_key' => ['secret', 'connection'],
        'api_url' => ['url', 'connection'],
        'auth_scheme' => ['select', 'connection'],
        'timeout' => ['number', 'connection'],
        'outbox_path' => ['text', 'connection'],
        'enabled_events' => ['events', 'events'],
        'op_create_order' => ['text', 'events'],
        'op_update_order' => ['text', 'events'],
        'op_register' => ['text', 'events'],
        'op_update_profile' => ['text', 'events'],
        'op_set_cart' => ['text', 'events'],
        'op_subscribe_email' => ['text', 'events'],
        'op_authorize' => ['text', 'events'],
        'op_set_wishlist' => ['text', 'events'],
        'op_view_product' => ['text', 'events'],
        'op_view_category' => ['text', 'events'],
        'op_get_balance' => ['text', 'events'],
        'customer_id_key' => ['text', 'ids'],
        'order_id_key' => ['text', 'ids'],
        'product_id_key' => ['text', 'ids'],
        'product_id_source' => ['select', 'ids'],
        'status_map' => ['json', 'ids'],
        'test_mode' => ['yesno', 'mode'],
        'test_prefix' => ['text', 'mode'],
        'tracker_enabled' => ['yesno', 'mode'],
        'op_identify' => ['text', 'mode'],
        'loyalty_enabled' => ['yesno', 'mode'],
        'loyalty_mode' => ['select', 'mode'],
        'op_calculate_cart' => ['text', 'mode'],
        'op_calculate_guest_cart' => ['text', 'mode'],
        'op_create_processed_order' => ['text', 'mode'],
        'op_create_guest_processed_order' => ['text', 'mode'],
        'op_save_offline_order' => ['text', 'mode'],
        'temp_order_id_key' => ['text', 'mode'],
        'balance_type' => ['text', 'mode'],
        'balance_timeout' => ['number', 'mode'],
        'breaker_seconds' => ['number', 'mode'],
        'unsaved_cancel_seconds' => ['number', 'mode'],
        'points_decimals' => ['select', 'mode'],
    ];

    /** value => label; a null label is translated (RUSTBOX_MINDBOX_OPT_CHOICE_<FIELD>_<VALUE>). */
    private const CHOICES = [
        'auth_scheme' => ['' => 'SecretKey', 'legacy' => 'Mindbox secretKey="…"'],
        'product_id_source' => ['XML_ID' => 'XML_ID', 'ID' => 'ID'],
        'loyalty_mode' => ['standard' => null, 'processing' => null],
        'points_decimals' => ['2' => null, '0' => null],
    ];

    public const API_URLS = ['https://api.mindbox.ru', 'https://api.mindbox.cloud'];

    public function __construct(private readonly string $siteId)
    {
    }

    /** @return array<string, array{type: string, group: string, title: string}> */
    public static function fields(): array
    {
        $fields = [];
        foreach (self::FIELDS as $name => [$type, $group]) {
            $fields[$name] = [
                'type' => $type,
                'group' => $group,
                'title' => (string)Loc::getMessage('RUSTBOX_MINDBOX_OPT_' . strtoupper($name)),
            ];
        }
        return $fields;
    }

    /** @return array<string, string> the choices of a select field, value => label */
    public static function choices(string $name): array
    {
        $choices = [];
        foreach (self::CHOICES[$name] ?? [] as $value => $label) {
            $choices[(string)$value] = $label ?? (string)Loc::getMessage('RUSTBOX_MINDBOX_OPT_CHOICE_' . strtoupper($name . '_' . $value));
        }
        return $choices;
    }

    /** The values the form shows: what is in force for the scope; the secret key is never shown. */
    public function values(): array
    {
        $settings = Settings::forSite($this->siteId);
        $values = [];
        foreach (self::FIELDS as $name => [$type]) {
            $values[$name] = $type === 'secret' ? '' : $settings->get($name);
        }
        return $values;
    }

    /**
     * Saves a posted form. Invalid fields are left as they were.
     *
     * @return list<string> error messages, one per refused field
     */
    public function save(#[\SensitiveParameter] array $post): array
    {
        $errors = [];
        foreach (self::FIELDS as $name => [$type]) {
            $value = $this->posted($type, $post[$name] ?? null);
            if ($value === null) {
                continue;
            }
            $error = self::validate($name, $type, $value);
            if ($error !== null) {
                $errors[] = Loc::getMessage('RUSTBOX_MINDBOX_OPT_INVALID', ['#FIELD#' => self::fields()[$name]['title'], '#REASON#' => $error]);
                continue;
            }
            $this->store($name, $value);
        }
        Mindbox::reset();
        return $errors;
    }

    /**
     * The value to store, or null to leave the option alone: a field missing from the post, or an empty secret
     * ("keep the current key"). The page posts every checkbox field, with a hidden empty value, even unchecked.
     */
    private function posted(string $type, #[\SensitiveParameter] mixed $raw): ?string
    {
        if ($raw === null) {
            return null;
        }
        return match ($type) {
            'events' => implode(',', array_intersect(
                array_map(static fn (Operation $o) => $o->value, Operation::cases()),
                (array)$raw
            )),
            'yesno' => $raw === 'Y' ? 'Y' : 'N',
            'secret' => is_string($raw) && trim($raw) !== '' ? trim($raw) : null,
            default => is_string($raw) ? trim($raw) : null,
        };
    }

    private static function validate(string $name, string $type, #[\SensitiveParameter] string $value): ?string
    {
        return match (true) {
            $type === 'json' && !is_array(json_decode($value === '' ? '{}' : $value, true)) => Loc::getMessage('RUSTBOX_MINDBOX_OPT_BAD_JSON'),
            $type === 'number' && $value !== '' && (!is_numeric($value) || (float)$value <= 0) => Loc::getMessage('RUSTBOX_MINDBOX_OPT_BAD_NUMBER'),
            $type === 'select' && !array_key_exists($value, self::CHOICES[$name]) => Loc::getMessage('RUSTBOX_MINDBOX_OPT_BAD_CHOICE'),
            $type === 'url' && $value !== '' && !preg_match('#^https?://[^/\s]+/?$#i', $value) => Loc::getMessage('RUSTBOX_MINDBOX_OPT_BAD_URL'),
            default => null,
        };
    }

    private function store(string $name, #[\SensitiveParameter] string $value): void
    {
        if ($this->siteId === '') {
            Option::set(Mindbox::MODULE_ID, $name, $value);
            return;
        }
        Option::delete(Mindbox::MODULE_ID, ['name' => $name, 'site_id' => $this->siteId]);
        $inherited = Settings::forSite('')->get($name);
        if ($value !== '' && $value !== $inherited) {
            Option::set(Mindbox::MODULE_ID, $name, $value, $this->siteId);
        }
    }
}
