<?php

namespace Rustbox\Mindbox\History;

/**
 * The history cannot be exported as set up (the extension missing, Mindbox not configured, a status without its
 * Mindbox status, a folder that cannot be written…), or a run cannot do what was asked: the message says what to fix.
 */
class HistoryException extends \RuntimeException
{
}
