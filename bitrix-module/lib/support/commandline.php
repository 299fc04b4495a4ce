<?php

namespace Rustbox\Mindbox\Support;

/**
 * What the module's command-line scripts (tools/feed.php, tools/history.php) share: where the site is. They read
 * their arguments before the core is loaded (with no autoloader yet, they require this file), then start the core
 * with tools/prolog.php, as the core's own cron_events.php does.
 */
final class CommandLine
{
    public const PROLOG = '/bitrix/modules/main/include/prolog_before.php';

    /**
     * @param string|null $given --document-root
     * @param string $default the document root the module is in (tools/ → the module → modules/ → bitrix/ or local/ → it)
     * @throws \InvalidArgumentException no Bitrix core there
     */
    public static function documentRoot(?string $given, string $default): string
    {
        $root = rtrim($given ?? ((string)getenv('DOCUMENT_ROOT') ?: $default), '/');
        if (!is_file($root . self::PROLOG)) {
            throw new \InvalidArgumentException(sprintf('No Bitrix site at %s (no %s there): give --document-root', $root, self::PROLOG));
        }
        return $root;
    }
}
