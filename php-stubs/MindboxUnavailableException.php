<?php

// A stub of the mindbox extension (php-stubs/mindbox.php loads them all).

/**
 * No usable answer: 5xx, a timeout, a refused or reset connection, a TLS failure, an unreadable
 * or oversize answer. Safe to retry with the same transactionId.
 */
class MindboxUnavailableException extends MindboxException
{
    /** @var int */
    protected $httpStatus = 0;

    /** The HTTP status, or 0 when no response arrived. */
    public function getHttpStatus(): int {}
}
