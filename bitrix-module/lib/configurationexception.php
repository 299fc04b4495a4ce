<?php

namespace Rustbox\Mindbox;

/** The module cannot talk to Mindbox as set up: missing settings or a missing extension. */
final class ConfigurationException extends \RuntimeException
{
}
