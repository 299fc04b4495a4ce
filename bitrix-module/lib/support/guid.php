<?php

namespace Rustbox\Mindbox\Support;

/** GUIDs the module derives rather than draws: the same name always gives the same GUID. */
final class Guid
{
    /** The module's own namespace, so its GUIDs cannot coincide with another system's name-based ones. */
    private const NAMESPACE = '5b0e3c1a-8f4d-4e2b-9c7a-1d6f2e8b4a93';

    /** A random RFC 4122 version 4 GUID, for what must never be the same twice. */
    public static function random(): string
    {
        $bytes = random_bytes(16);
        $bytes[6] = chr((ord($bytes[6]) & 0x0f) | 0x40);
        $bytes[8] = chr((ord($bytes[8]) & 0x3f) | 0x80);
        return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($bytes), 4));
    }

    /** An RFC 4122 version 5 (SHA-1, name-based) GUID: Mindbox takes any GUID as a transactionId. */
    public static function nameBased(string $name): string
    {
        $hash = sha1(hex2bin(str_replace('-', '', self::NAMESPACE)) . $name);
        return sprintf(
            '%s-%s-%04x-%04x-%s',
            substr($hash, 0, 8),
            substr($hash, 8, 4),
            (hexdec(substr($hash, 12, 4)) & 0x0fff) | 0x5000,
            (hexdec(substr($hash, 16, 4)) & 0x3fff) | 0x8000,
            substr($hash, 20, 12)
        );
    }
}
