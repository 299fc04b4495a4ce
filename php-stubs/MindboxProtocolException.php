<?php

// A stub of the mindbox extension (php-stubs/mindbox.php loads them all).

/**
 * Mindbox refused the request: 400, 401, 403, 404, 429 (`ProtocolError`).
 */
class MindboxProtocolException extends MindboxException
{
    /** @var int */
    protected $httpStatus = 0;

    /** @var string|null */
    protected $errorId = null;

    /** @var int|null */
    protected $retryAfter = null;

    public function getHttpStatus(): int {}

    /** Mindbox's `errorId`, to quote to Mindbox support. */
    public function getErrorId(): ?string {}

    /** Seconds from the `Retry-After` header of a 429; null otherwise. */
    public function getRetryAfter(): ?int {}
}
