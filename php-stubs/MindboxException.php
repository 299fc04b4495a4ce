<?php

// A stub of the mindbox extension (php-stubs/mindbox.php loads them all).

/**
 * Base class of every exception the extension throws.
 */
class MindboxException extends RuntimeException
{
}
