<?php

namespace Rustbox\Mindbox\Admin;

use Bitrix\Main\Config\Option;
use Bitrix\Main\Localization\Loc;
use Rustbox\Mindbox\Config\HistorySettings;
use Rustbox\Mindbox\Config\LoyaltyMode;
use Rustbox\Mindbox\Config\Operation;
use Rustbox\Mindbox\Config\Options;
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
    /**
     * The choices of the select fields (Options::TABLE names their type), value => label; a null label is translated
     * (RUSTBOX_MINDBOX_OPT_CHOICE_<FIELD>_<VALUE>). loyalty_mode's are the cases of LoyaltyMode.
     */
    private const CHOICES = [
        'auth_scheme' => ['' => 'SecretKey', 'legacy' => 'Mindbox secretKey="…"'],
        'product_id_source' => ['XML_ID' => 'XML_ID', 'ID' => 'ID'],
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
        foreach (Options::TABLE as $name => [, $type, $group]) {
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
        foreach (self::choiceLabels($name) as $value => $label) {
            $choices[(string)$value] = $label ?? (string)Loc::getMessage('RUSTBOX_MINDBOX_OPT_CHOICE_' . strtoupper($name . '_' . $value));
        }
        return $choices;
    }

    /** The values the form shows: what is in force for the scope; the secret key and passwords are never shown. */
    public function values(): array
    {
        $settings = Settings::forSite($this->siteId);
        $values = [];
        foreach (Options::TABLE as $name => [, $type]) {
            $values[$name] = in_array($type, ['secret', 'password'], true) ? '' : $settings->get($name);
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
        foreach (Options::TABLE as $name => [, $type]) {
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
     * The value to store, or null to leave the option alone: a field missing from the post, or an empty secret or
     * password ("keep the current one"). A password is stored as its hash (password_hash), never as typed. The page
     * posts every checkbox field, with a hidden empty value, even unchecked.
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
            'password' => is_string($raw) && $raw !== '' ? password_hash($raw, PASSWORD_DEFAULT) : null,
            default => is_string($raw) ? trim($raw) : null,
        };
    }

    private static function validate(string $name, string $type, #[\SensitiveParameter] string $value): ?string
    {
        return match (true) {
            $type === 'json' && !is_array(json_decode($value === '' ? '{}' : $value, true)) => Loc::getMessage('RUSTBOX_MINDBOX_OPT_BAD_JSON'),
            $type === 'number' && $value !== '' && (!is_numeric($value) || (float)$value <= 0) => Loc::getMessage('RUSTBOX_MINDBOX_OPT_BAD_NUMBER'),
            $type === 'select' && !array_key_exists($value, self::choiceLabels($name)) => Loc::getMessage('RUSTBOX_MINDBOX_OPT_BAD_CHOICE'),
            $type === 'url' && $value !== '' && !preg_match('#^https?://[^/\s]+/?$#i', $value) => Loc::getMessage('RUSTBOX_MINDBOX_OPT_BAD_URL'),
            default => null,
        };
    }

    /** @return array<string, string|null> */
    private static function choiceLabels(string $name): array
    {
        if ($name === 'loyalty_mode') {
            return array_fill_keys(array_map(static fn (LoyaltyMode $mode) => $mode->value, LoyaltyMode::cases()), null);
        }
        if ($name === 'history_date_format') {
            return HistorySettings::DATE_FORMATS;
        }
        return self::CHOICES[$name] ?? [];
    }

    private function store(string $name, #[\SensitiveParameter] string $value): void
    {
        if ($this->siteId === '') {
            Option::set(Options::MODULE_ID, $name, $value);
            return;
        }
        Option::delete(Options::MODULE_ID, ['name' => $name, 'site_id' => $this->siteId]);
        $inherited = Settings::forSite('')->get($name);
        if ($value !== '' && $value !== $inherited) {
            Option::set(Options::MODULE_ID, $name, $value, $this->siteId);
        }
    }
}
