<?php

namespace Rustbox\Mindbox\Shop;

use Bitrix\Main\Context;
use Bitrix\Main\HttpRequest;
use Rustbox\Mindbox\Config\Operation;

/**
 * The person behind the current request, as Mindbox knows them: the tracker's device id and the IP address.
 * Admin pages, agents and cron scripts have no visitor: a manager's browser must never be tied to a customer.
 */
final class Visitor
{
    public const DEVICE_COOKIE = 'mindboxDeviceUUID';

    private function __construct(private readonly ?HttpRequest $request)
    {
    }

    public static function current(): self
    {
        $request = Context::getCurrent()?->getRequest();
        return new self(self::isPublic($request) ? $request : null);
    }

    /**
     * Whether a request is a visitor's hit on the public site. The core's isAdminSection() misses /bitrix/admin/
     * scripts that do not define ADMIN_SECTION (the 1C exchange, pages opened with public=Y) on cores whose path
     * test lacks the folder's trailing slash (21.400), so the path is checked here as well.
     */
    public static function isPublic(mixed $request): bool
    {
        return $request instanceof HttpRequest
            && !$request->isAdminSection()
            && !str_starts_with((string)parse_url((string)$request->getRequestUri(), PHP_URL_PATH), '/bitrix/admin/');
    }

    public function deviceUuid(): ?string
    {
        // getCookie() would look for BITRIX_SM_mindboxDeviceUUID; the tracker sets the cookie under its own name.
        $value = trim((string)$this->request?->getCookieRaw(self::DEVICE_COOKIE));
        return preg_match('/^[A-Za-z0-9-]{1,64}$/', $value) === 1 ? $value : null;
    }

    /** The logged-in user's id, 0 for a guest (or where there is no visitor). */
    public function userId(): int
    {
        global $USER;
        return $this->request !== null && is_object($USER) && $USER->IsAuthorized() ? (int)$USER->GetID() : 0;
    }

    public function ip(): ?string
    {
        $ip = (string)$this->request?->getRemoteAddress();
        return filter_var($ip, FILTER_VALIDATE_IP) !== false ? $ip : null;
    }

    /** The client options identifying the visitor for an operation. */
    public function optionsFor(Operation $operation): array
    {
        $options = [];
        $device = $operation->carriesDevice() ? $this->deviceUuid() : null;
        if ($device !== null) {
            $options['deviceUUID'] = $device;
        }
        if ($this->ip() !== null) {
            $options['customerIp'] = $this->ip();
        }
        return $options;
    }
}
