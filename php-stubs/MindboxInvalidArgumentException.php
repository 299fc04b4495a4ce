<?php

// A stub of the mindbox extension (php-stubs/mindbox.php loads them all).

/**
 * A bad argument or configuration; nothing was sent.
 */
class MindboxInvalidArgumentException extends MindboxException
{
    /** @var string|null */
    protected $path = null;

    /** The path of the bad value, e.g. `body.order.lines[1].quantity` or `config.baseUrl`. */
    public function getPath(): ?string {}
}
