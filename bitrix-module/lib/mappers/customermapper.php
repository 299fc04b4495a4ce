<?php

namespace Rustbox\Mindbox\Mappers;

use Rustbox\Mindbox\Config\Settings;

/**
 * A Bitrix user → the bodies of Website.Register, Website.UpdateProfile and Website.AuthorizeCustomer, and the
 * tracker's identification. Only fields present and non-empty are mapped, because OnAfterUserUpdate carries only the
 * fields that were changed and an absent field must not erase Mindbox's value.
 */
final class CustomerMapper
{
    /** Bitrix field → Mindbox field, for the plain text ones. */
    private const TEXT_FIELDS = [
        'EMAIL' => 'email',
        'NAME' => 'firstName',
        'LAST_NAME' => 'lastName',
        'SECOND_NAME' => 'middleName',
    ];

    /** Where a user's phone may be, most specific first: the phone used to log in, then the profile's. */
    private const PHONE_FIELDS = ['PHONE_NUMBER', 'PERSONAL_MOBILE', 'PERSONAL_PHONE'];

    public function __construct(private readonly Settings $settings)
    {
    }

    /** @param array $fields the user's fields: those the registration gave, or the stored row */
    public function registration(int $userId, array $fields): array
    {
        return ['customer' => $this->customer(['ID' => $userId] + $fields)];
    }

    /**
     * @param array $fields ID and the fields passed to CUser::Update()
     * @return array|null null when none of the fields Mindbox keeps was changed
     */
    public function profileChange(array $fields): ?array
    {
        $customer = $this->customer($fields);
        return array_keys($customer) === ['ids'] ? null : ['customer' => $customer];
    }

    /** The customer by their id alone: a log-in, and the tracker's identification. */
    public function identity(int $userId): array
    {
        return ['customer' => ['ids' => $this->settings->customerIds($userId)]];
    }

    private function customer(array $fields): array
    {
        $customer = [];
        $userId = (int)($fields['ID'] ?? $fields['USER_ID'] ?? 0);
        if ($userId > 0) {
            $customer['ids'] = $this->settings->customerIds($userId);
        }
        foreach (self::TEXT_FIELDS as $bitrix => $mindbox) {
            $value = trim((string)($fields[$bitrix] ?? ''));
            if ($value !== '') {
                $customer[$mindbox] = $value;
            }
        }
        foreach (self::PHONE_FIELDS as $field) {
            $phone = Phone::of((string)($fields[$field] ?? ''), 'main:user', "user $userId");
            if ($phone !== null) {
                $customer['mobilePhone'] = $phone;
                break;
            }
        }
        $birthDate = self::isoDate((string)($fields['PERSONAL_BIRTHDAY'] ?? ''));
        if ($birthDate !== null) {
            $customer['birthDate'] = $birthDate;
        }
        return $customer;
    }

    /** Bitrix gives dates in the site's format (DD.MM.YYYY on Russian sites); Mindbox wants YYYY-MM-DD. */
    private static function isoDate(string $value): ?string
    {
        foreach (['d.m.Y', 'Y-m-d', 'm/d/Y'] as $format) {
            $date = \DateTimeImmutable::createFromFormat('!' . $format, trim($value));
            if ($date !== false && $date->format($format) === trim($value)) {
                return $date->format('Y-m-d');
            }
        }
        return null;
    }
}
