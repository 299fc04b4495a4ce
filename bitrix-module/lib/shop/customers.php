<?php

namespace Rustbox\Mindbox\Shop;

use Bitrix\Main\Config\Option;
use Bitrix\Main\UserTable;

/**
 * Which Bitrix users are the shop's customers. CUser::Add() also makes technical users: those of an external kind
 * (bots, mailboxes, the sale module's own buyers, …), inactive ones (waiting for their e-mail's confirmation, or
 * switched off), and the shared anonymous buyer that orders without an account belong to. None of them may become a
 * Mindbox customer, and an order of one of them is the buyer's, known by the order's e-mail and phone.
 */
final class Customers
{
    public static function isCustomer(?array $user): bool
    {
        if ($user === null || (int)($user['ID'] ?? 0) <= 0) {
            return false;
        }
        return ($user['ACTIVE'] ?? 'N') === 'Y'
            && !in_array((string)($user['EXTERNAL_AUTH_ID'] ?? ''), UserTable::getExternalUserTypes(), true)
            && (int)$user['ID'] !== self::anonymousBuyerId();
    }

    public static function isCustomerId(int $userId): bool
    {
        return self::isCustomer(self::user($userId));
    }

    /** The user's row as stored, or null. */
    public static function user(int $userId): ?array
    {
        if ($userId <= 0) {
            return null;
        }
        $row = \CUser::GetByID($userId)->Fetch();
        return is_array($row) ? $row : null;
    }

    /**
     * The shared buyer, read from the option CSaleUser::GetAnonymousUserID() keeps it in; that method itself is not
     * called, because it creates the user when there is none.
     */
    private static function anonymousBuyerId(): int
    {
        return (int)Option::get('sale', 'anonymous_user_id', '0');
    }
}
