<?php

namespace Rustbox\Mindbox\Mappers;

use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Support\EventLog;

/**
 * A phone field as people fill it in ("-", "нет", "+7 (900) 123-45-67, 8 495 123-45-67"), as it goes into a body.
 * Which number Mindbox gets, or none, is the extension's rule, the one every body's mobilePhone goes by: a phone
 * Mindbox would refuse costs the field, never the event (the registration, the order). The module asks that rule
 * (MindboxClient::normalizePhone()) so that the event log can say the phone was left out, naming the record but never
 * the value (it is personal data).
 */
final class Phone
{
    /**
     * @param string $whose the record, for the event log: "user 12", "order 345"
     * @return string|null the digits of the field's phone, null when there is none; without the extension, which is
     *         what would judge it, the field as it is
     */
    public static function of(string $raw, string $source, string $whose): ?string
    {
        $phone = self::normalized($raw);
        if ($phone === null && trim($raw) !== '' && Mindbox::isExtensionLoaded()) {
            EventLog::warning($source, sprintf('%s: the phone is not a phone number; sent without it', ucfirst($whose)));
        }
        return $phone;
    }

    /** As of(), without a word in the event log: for the history's export, which would fill it. */
    public static function normalized(string $raw): ?string
    {
        $raw = trim($raw);
        if ($raw === '') {
            return null;
        }
        return Mindbox::isExtensionLoaded() ? \MindboxClient::normalizePhone($raw) : $raw;
    }
}
