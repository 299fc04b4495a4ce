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
        return $customer + self::fields($fields, "user $userId");
    }

    /**
     * The customer's fields Mindbox keeps, of a user's fields (those given, or the stored row), by Mindbox's names:
     * email, firstName, lastName, middleName, mobilePhone, birthDate (YYYY-MM-DD); only those present and non-empty.
     * The live sync and the history's export both map a user by it.
     *
     * @param string $whose the user, for the event log when the phone is junk; null logs nothing (an export of
     *        the whole history would fill the log)
     */
    public static function fields(array $fields, ?string $whose): array
    {
        $customer = [];
        foreach (self::TEXT_FIELDS as $bitrix => $mindbox) {
            $value = trim((string)($fields[$bitrix] ?? ''));
            if ($value !== '') {
                $customer[$mindbox] = $value;
            }
        }
        foreach (self::PHONE_FIELDS as $field) {
            $raw = (string)($fields[$field] ?? '');
            $phone = $whose === null ? Phone::normalized($raw) : Phone::of($raw, 'main:user', $whose);
            if ($phone !== null) {
                $customer['mobilePhone'] = $phone;
                break;
            }
        }
        $birthDate = self::isoDate($fields['PERSONAL_BIRTHDAY'] ?? null);
        if ($birthDate !== null) {
            $customer['birthDate'] = $birthDate;
        }
        return $customer;
    }

    /**
     * The old kernel gives dates in the site's format (DD.MM.YYYY on Russian sites), the ORM a Type\Date; Mindbox
     * wants YYYY-MM-DD.
     */
    private static function isoDate(mixed $value): ?string
    {
        if ($value instanceof \Bitrix\Main\Type\Date) {
            return $value->format('Y-m-d');
        }
        $value = trim((string)$value);
        foreach (['d.m.Y', 'Y-m-d', 'm/d/Y'] as $format) {
            $date = \DateTimeImmutable::createFromFormat('!' . $format, $value);
            if ($date !== false && $date->format($format) === $value) {
                return $date->format('Y-m-d');
            }
        }
        return null;
    }
}
