<?php
// The request of a hit (main/lib/httprequest.php, request.php, type/parameterdictionary.php).

namespace Bitrix\Main {

    class ParameterDictionary
    {
        public function __construct(private array $values = [])
        {
        }

        public function get($name)
        {
            return $this->values[$name] ?? null;
        }

        public function toArray()
        {
            return $this->values;
        }
    }

    class HttpRequest
    {
        public const COOKIE_PREFIX = 'BITRIX_SM_';

        /**
         * @param array $cookies as the browser sent them (raw names)
         * @param array $server  $_SERVER-like: REMOTE_ADDR, REQUEST_METHOD, REQUEST_URI
         */
        public function __construct(
            private array $query = [],
            private array $post = [],
            private array $cookies = [],
            private array $server = [],
            private bool $adminSectionDefined = false,
        ) {
        }

        /** The cookie under the site's prefix (BITRIX_SM_ by default): what Bitrix itself sets. */
        public function getCookie($name)
        {
            return $this->cookies[self::COOKIE_PREFIX . $name] ?? null;
        }

        /** The cookie under its own name: what third-party scripts such as the Mindbox tracker set. */
        public function getCookieRaw($name)
        {
            return $this->cookies[$name] ?? null;
        }

        public function getCookieRawList()
        {
            return new ParameterDictionary($this->cookies);
        }

        public function get($name)
        {
            return $this->post[$name] ?? $this->query[$name] ?? null;
        }

        public function getQuery($name)
        {
            return $this->query[$name] ?? null;
        }

        public function getPost($name)
        {
            return $this->post[$name] ?? null;
        }

        public function getPostList()
        {
            return new ParameterDictionary($this->post);
        }

        public function isPost()
        {
            return ($this->server['REQUEST_METHOD'] ?? 'GET') === 'POST';
        }

        public function getRemoteAddress()
        {
            return $this->server['REMOTE_ADDR'] ?? null;
        }

        /**
         * main/lib/httprequest.php: port 443, or HTTPS set and not "off", or https_request in bitrix/.settings.php (a
         * site behind a proxy that ends TLS says so there).
         */
        public function isHttps()
        {
            if ((int)($this->server['SERVER_PORT'] ?? 0) === 443) {
                return true;
            }
            $https = (string)($this->server['HTTPS'] ?? '');
            if ($https !== '' && strtolower($https) !== 'off') {
                return true;
            }
            return Config\Configuration::getValue('https_request') === true;
        }

        public function getRequestUri()
        {
            return $this->server['REQUEST_URI'] ?? '/';
        }

        /**
         * main/lib/request.php (21.400): the requested page's folder, taken without a trailing slash, against
         * "/bitrix/admin/" (so only pages in sub-folders match), or the ADMIN_SECTION constant, which the admin
         * prolog defines ($adminSectionDefined: a test process cannot define a constant per hit). A script under
         * /bitrix/admin/ without the admin prolog, such as the 1C exchange, is therefore not the admin section.
         */
        public function isAdminSection()
        {
            $directory = dirname((string)parse_url($this->getRequestUri(), PHP_URL_PATH));
            return $this->adminSectionDefined
                || str_starts_with($directory, '/bitrix/admin/')
                || str_starts_with($directory, '/bitrix/updates/');
        }
    }
}
