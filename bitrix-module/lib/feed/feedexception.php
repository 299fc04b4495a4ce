<?php

namespace Rustbox\Mindbox\Feed;

/**
 * The feed cannot be made as set up (no catalogue chosen, no such site, no server name for its addresses, a file that
 * cannot be written…): the message says what to fix. The previous feed stays where it was.
 */
class FeedException extends \RuntimeException
{
}
