<?php

namespace Rustbox\Mindbox\Support;

/** What the module writes into a page's inline scripts. */
final class PageScript
{
    /**
     * JSON that stays a value inside <script>: with HTML-special characters escaped, a setting or a user field holding
     * "</script>" or quotes cannot end the script or the string it is in.
     */
    public static function json(mixed $value): string
    {
        return json_encode($value, JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_UNESCAPED_UNICODE
            | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
    }

    /** A command of the Mindbox tracker, e.g. mindbox('identify', {…}); */
    public static function trackerCall(string $command, array $argument): string
    {
        return "mindbox('" . $command . "', " . self::json($argument) . ');';
    }

    /**
     * data-skip-moving keeps Bitrix from moving the script to the end of the page: the tracker's queue must be there
     * before page code calls it, and a view must follow the queue.
     */
    public static function unmoved(string $code): string
    {
        return '<script data-skip-moving="true">' . $code . '</script>';
    }
}
