<?php

namespace Rustbox\Mindbox\Mappers;

use Rustbox\Mindbox\Support\EventLog;

/**
 * A phone field as people fill it in ("-", "нет", "+7 (900) 123-45-67, 8 495 123-45-67") → the number Mindbox can
 * use, or none. A phone Mindbox would refuse must not cost the whole event (the registration, the order): the
 * event goes without it, and the event log says so, naming the record but never the value (it is personal data).
 */
final class Phone
{
    /** E.164 allows 15 digits; fewer than 10 is no subscriber number anywhere Mindbox works. */
    private const MIN_DIGITS = 10;
    private const MAX_DIGITS = 15;

    /**
     * @param string $whose the record, for the event log: "user 12", "order 345"
     * @return string|null the digits of the first usable number in the field, null when there is none
     */
    public static function of(string $raw, string $source, string $whose): ?string
    {
        if (trim($raw) === '') {
            return null;
        }
        // Several numbers in one field are a list: the first usable one is the customer's.
        foreach (preg_split('/[,;]/', $raw) ?: [] as $candidate) {
            $digits = preg_replace('/\D/', '', $candidate) ?? '';
            if (strlen($digits) >= self::MIN_DIGITS && strlen($digits) <= self::MAX_DIGITS) {
                return $digits;
            }
        }
        EventLog::warning($source, sprintf('%s: the phone is not a phone number; sent without it', ucfirst($whose)));
        return null;
    }
}
