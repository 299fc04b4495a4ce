<?php

namespace Rustbox\Mindbox\Mappers;

use Bitrix\Main\Type\Date;

/** A moment the core keeps (a Type\DateTime in the server's time zone) as Mindbox's imports take it: in UTC. */
final class UtcTime
{
    /** @return string|null the moment in UTC in $format (PHP's date()), null when there is none */
    public static function format(mixed $value, string $format): ?string
    {
        return $value instanceof Date ? gmdate($format, $value->getTimestamp()) : null;
    }
}
