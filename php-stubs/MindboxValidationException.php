<?php

// A stub of the mindbox extension (php-stubs/mindbox.php loads them all).

/**
 * Mindbox answered HTTP 200 with status `ValidationError`: the data is wrong, retrying won't help.
 */
class MindboxValidationException extends MindboxException
{
    /** @var list<array{message: string, location: string|null}>|null */
    protected $validationMessages = null;

    /**
     * @return list<array{message: string, location: string|null}> `location` is an xpath such as
     *     `/customer/email`, or null when the message concerns the whole request.
     */
    public function getValidationMessages(): array {}
}
