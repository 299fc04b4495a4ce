<?php

namespace Rustbox\Mindbox\Handlers;

use Rustbox\Mindbox\Config\Operation;
use Rustbox\Mindbox\History\Watermark;
use Rustbox\Mindbox\Mappers\CustomerMapper;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Outbox\Dispatcher;
use Rustbox\Mindbox\Shop\Customers;
use Rustbox\Mindbox\Support\Guard;

/**
 * main's user events (old-kernel events: the handler gets the positional values, the fields by reference). Only the
 * shop's customers reach Mindbox (see Customers): a user made inactive, waiting for their e-mail's confirmation, is
 * registered when the account is activated.
 */
final class User
{
    /**
     * Users registered in this process. CUser::Register() calls CUser::Add(), so OnAfterUserAdd and
     * OnAfterUserRegister both fire for one self-registration; Mindbox must hear of it once.
     *
     * @var array<int, true>
     */
    private static array $registered = [];

    /** @var array<int, string> ACTIVE of users being updated with an ACTIVE field, before the update */
    private static array $activeBefore = [];

    /** Fires at the end of CUser::Register() even when it failed; USER_ID is set only on success. */
    public static function onAfterUserRegister(array &$arFields): void
    {
        $fields = $arFields;
        Guard::run('main:OnAfterUserRegister', static function () use ($fields): void {
            self::register((int)($fields['USER_ID'] ?? 0), $fields);
        });
    }

    /** Fires after every CUser::Add(): checkout auto-registration, admin-created users, and Register() itself. */
    public static function onAfterUserAdd(array &$arFields): void
    {
        $fields = $arFields;
        Guard::run('main:OnAfterUserAdd', static function () use ($fields): void {
            if (!empty($fields['RESULT'])) {
                self::register((int)($fields['ID'] ?? 0), $fields);
            }
        });
    }

    /** Remembers whether the user was active, because OnAfterUserUpdate carries only the fields passed in. */
    public static function onBeforeUserUpdate(array &$arFields): void
    {
        $fields = $arFields;
        Guard::run('main:OnBeforeUserUpdate', static function () use ($fields): void {
            $userId = (int)($fields['ID'] ?? 0);
            if (array_key_exists('ACTIVE', $fields) && $userId > 0) {
                self::$activeBefore[$userId] = (string)(Customers::user($userId)['ACTIVE'] ?? '');
            }
        });
    }

    /** Carries ID, RESULT and only the fields passed to CUser::Update(). */
    public static function onAfterUserUpdate(array &$arFields): void
    {
        $fields = $arFields;
        Guard::run('main:OnAfterUserUpdate', static function () use ($fields): void {
            $userId = (int)($fields['ID'] ?? 0);
            $wasActive = self::$activeBefore[$userId] ?? null;
            unset(self::$activeBefore[$userId]);
            $user = Customers::user($userId);
            if (empty($fields['RESULT']) || !Customers::isCustomer($user)) {
                return;
            }
            if ($wasActive === 'N') {
                self::register($userId, $user); // activated: the confirmation of the e-mail, or an administrator
                return;
            }
            $settings = Mindbox::settings(self::siteOf($fields));
            $body = (new CustomerMapper($settings))->profileChange($fields);
            if ($body !== null) {
                Dispatcher::send(Operation::UpdateProfile, $settings, $body);
            }
        });
    }

    /**
     * $arParams = ['user_fields' => the user's row, 'save' => …, …]. Sending the deviceUUID with the customer's id
     * lets Mindbox merge what the browser did anonymously into the customer.
     */
    public static function onAfterUserAuthorize($arParams): void
    {
        Guard::run('main:OnAfterUserAuthorize', static function () use ($arParams): void {
            $user = is_array($arParams['user_fields'] ?? null) ? $arParams['user_fields'] : null;
            if (!Customers::isCustomer($user)) {
                return;
            }
            $settings = Mindbox::settings();
            Dispatcher::send(Operation::Authorize, $settings, (new CustomerMapper($settings))->identity((int)$user['ID']));
        });
    }

    private static function register(int $userId, array $fields): void
    {
        if ($userId <= 0 || isset(self::$registered[$userId]) || !Customers::isCustomerId($userId)) {
            return;
        }
        self::$registered[$userId] = true;
        $settings = Mindbox::settings(self::siteOf($fields));
        if (Dispatcher::send(Operation::Register, $settings, (new CustomerMapper($settings))->registration($userId, $fields)) !== null) {
            Watermark::userHandled($settings, $userId);
        }
    }

    private static function siteOf(array $fields): ?string
    {
        $site = $fields['SITE_ID'] ?? $fields['LID'] ?? null;
        return is_string($site) && $site !== '' ? $site : null;
    }
}
