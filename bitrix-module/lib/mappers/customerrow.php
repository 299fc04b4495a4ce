<?php

namespace Rustbox\Mindbox\Mappers;

use Rustbox\Mindbox\Config\Settings;

/**
 * A customer → one row of Mindbox's customers import (DirectCrm.Customers.Import), mapped by the live sync's rules
 * (CustomerMapper::fields(), Settings::customerIds()). Phone and e-mail go as the extension's column kinds, so the
 * writer holds them to the same rules as every body's.
 */
final class CustomerRow
{
    private const FIELDS = ['firstName' => 'FirstName', 'lastName' => 'LastName', 'middleName' => 'MiddleName',
        'mobilePhone' => 'MobilePhone', 'email' => 'Email'];

    /**
     * @param string $dateFormat SourceDateTimeUtc's, in PHP's date() letters
     * @param string $dayFormat BirthDate's
     */
    public function __construct(
        private readonly Settings $settings,
        private readonly string $dateFormat,
        private readonly string $dayFormat,
        private readonly string $pointOfContact,
    ) {
    }

    /** @return array<string, string> column => the writer's kind */
    public function columns(): array
    {
        $columns = array_fill_keys(array_keys($this->settings->customerIds(0)), 'text');
        return $columns + ['FirstName' => 'text', 'LastName' => 'text', 'MiddleName' => 'text', 'MobilePhone' => 'phone',
            'Email' => 'email', 'BirthDate' => 'text', 'SourceDateTimeUtc' => 'text', 'SourcePointOfContact' => 'text',
            'IsSubscribed' => 'boolean'];
    }

    /**
     * @param array $user the user's row (ID, the fields CustomerMapper::fields() reads, DATE_REGISTER)
     * @param bool|null $isSubscribed to e-mail, null when the shop does not know (the column stays empty)
     * @return array<string, scalar|null> by column
     */
    public function row(array $user, ?bool $isSubscribed): array
    {
        $row = $this->settings->customerIds((int)$user['ID']);
        $fields = CustomerMapper::fields($user, null);
        foreach (self::FIELDS as $field => $column) {
            $row[$column] = $fields[$field] ?? null;
        }
        $row['BirthDate'] = isset($fields['birthDate'])
            ? \DateTimeImmutable::createFromFormat('!Y-m-d', $fields['birthDate'])->format($this->dayFormat) : null;
        $row['SourceDateTimeUtc'] = UtcTime::format($user['DATE_REGISTER'] ?? null, $this->dateFormat);
        $row['SourcePointOfContact'] = $this->pointOfContact;
        $row['IsSubscribed'] = $isSubscribed;
        return $row;
    }
}
