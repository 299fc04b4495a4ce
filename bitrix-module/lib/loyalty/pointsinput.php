<?php

namespace Rustbox\Mindbox\Loyalty;

/**
 * What the customer typed into the "use points" field, read as kopecks without ever going through a float. An empty
 * field asks for no points; anything but digits with an optional decimal part is refused, and so are more decimals
 * than the programme allows. A comma counts as the decimal point and spaces between digits are ignored, as Russian
 * keyboards and habits write "1 000,50".
 */
final class PointsInput
{
    public const NEGATIVE = 'NEGATIVE';
    public const NOT_A_NUMBER = 'NOT_A_NUMBER';
    public const TOO_MANY_DECIMALS = 'TOO_MANY_DECIMALS';

    /** More digits than any balance has; such a request is clamped like any other too-large one. */
    private const MAX_WHOLE_DIGITS = 13;

    private function __construct(public readonly string $raw, public readonly int $kopecks, public readonly ?string $error)
    {
    }

    public static function parse(mixed $raw, int $decimals): self
    {
        if ($raw !== null && !is_scalar($raw)) {
            return new self('', 0, self::NOT_A_NUMBER);
        }
        $text = trim((string)$raw);
        if ($text === '') {
            return new self($text, 0, null);
        }
        // Not UTF-8 makes preg_replace() return null, which stays not a number.
        $number = str_replace(',', '.', (string)preg_replace('/[\s\x{00A0}]+/u', '', $text));
        if (preg_match('/^-\d/', $number) === 1) {
            return new self($text, 0, self::NEGATIVE);
        }
        if (preg_match('/^(\d+)(?:\.(\d*))?$/', $number, $parts) !== 1) {
            return new self($text, 0, self::NOT_A_NUMBER);
        }
        $whole = ltrim($parts[1], '0');
        $fraction = rtrim($parts[2] ?? '', '0');
        if (strlen($fraction) > $decimals) {
            return new self($text, 0, self::TOO_MANY_DECIMALS);
        }
        if (strlen($whole) > self::MAX_WHOLE_DIGITS) {
            $whole = str_repeat('9', self::MAX_WHOLE_DIGITS);
        }
        return new self($text, (int)$whole * 100 + (int)str_pad($fraction, 2, '0'), null);
    }
}
