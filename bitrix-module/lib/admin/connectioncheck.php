<?php

namespace Rustbox\Mindbox\Admin;

use Bitrix\Main\Localization\Loc;
use Rustbox\Mindbox\Mindbox;

Loc::loadMessages(__FILE__);

/**
 * The "check connection" button: one synchronous call of the balance operation for a customer that does not exist.
 * Mindbox has no ping; any answer past authentication (even a validation error) proves the endpoint and key work.
 */
final class ConnectionCheck
{
    /** @return array{ok: bool, message: string} */
    public static function run(string $siteId): array
    {
        try {
            $settings = Mindbox::settings($siteId);
            Mindbox::client($siteId)->call(
                $settings->get('op_get_balance'),
                ['customer' => ['ids' => $settings->customerIds('connection-check')]]
            );
            return self::result(true, 'RUSTBOX_MINDBOX_CHECK_OK');
        } catch (\MindboxValidationException) {
            return self::result(true, 'RUSTBOX_MINDBOX_CHECK_OK');
        } catch (\MindboxProtocolException $e) {
            $code = in_array($e->getHttpStatus(), [401, 403], true) ? 'RUSTBOX_MINDBOX_CHECK_AUTH' : 'RUSTBOX_MINDBOX_CHECK_REFUSED';
            return self::result(false, $code, $e);
        } catch (\MindboxUnavailableException $e) {
            return self::result(false, 'RUSTBOX_MINDBOX_CHECK_UNAVAILABLE', $e);
        } catch (\Throwable $e) {
            return self::result(false, 'RUSTBOX_MINDBOX_CHECK_FAILED', $e);
        }
    }

    private static function result(bool $ok, string $code, ?\Throwable $e = null): array
    {
        return ['ok' => $ok, 'message' => (string)Loc::getMessage($code, ['#REASON#' => $e?->getMessage() ?? ''])];
    }
}
