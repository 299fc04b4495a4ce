<?php

// A stub of the mindbox extension (php-stubs/mindbox.php loads them all).

/**
 * The outbox could not be opened or written: the event was NOT accepted.
 */
class MindboxOutboxException extends MindboxException
{
    /** @var string|null */
    protected $path = null;

    /** The outbox file's path. */
    public function getPath(): ?string {}
}
