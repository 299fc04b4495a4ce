<?php

namespace Rustbox\Mindbox\History;

use Bitrix\Main\Type\DateTime;
use Bitrix\Main\UserTable;

/**
 * The shop's users for the history, a page at a time by ID (keyset: each page the users after the last one read, so
 * users added or removed meanwhile move no page), below the run's bound and registered since its date. Every user
 * is read; which of them are customers is the mapping's business.
 */
final class CustomerReader
{
    /** What the customers' rows and Shop\Customers::isCustomer() read. */
    private const SELECT = ['ID', 'ACTIVE', 'EXTERNAL_AUTH_ID', 'EMAIL', 'NAME', 'LAST_NAME', 'SECOND_NAME', 'PERSONAL_PHONE',
        'PERSONAL_MOBILE', 'PERSONAL_BIRTHDAY', 'DATE_REGISTER', 'PHONE_NUMBER' => 'PHONE_AUTH.PHONE_NUMBER'];

    /** @param int $below the first user id not exported */
    public function __construct(private readonly int $below, private readonly ?DateTime $since, private readonly int $pageSize)
    {
    }

    /** The highest user id there is, 0 when there is none. */
    public static function lastId(): int
    {
        $row = UserTable::getList(['select' => ['ID'], 'order' => ['ID' => 'DESC'], 'limit' => 1])->fetch();
        return is_array($row) ? (int)$row['ID'] : 0;
    }

    public function total(): int
    {
        return UserTable::getList(['select' => ['ID'], 'filter' => $this->filter(0), 'limit' => 1, 'count_total' => true])->getCount();
    }

    /** @return list<array> the users after $afterId, by ID */
    public function page(int $afterId): array
    {
        return UserTable::getList(['select' => self::SELECT, 'filter' => $this->filter($afterId), 'order' => ['ID' => 'ASC'],
            'limit' => $this->pageSize])->fetchAll();
    }

    private function filter(int $afterId): array
    {
        return ['>ID' => $afterId, '<ID' => $this->below] + ($this->since !== null ? ['>=DATE_REGISTER' => $this->since] : []);
    }
}
