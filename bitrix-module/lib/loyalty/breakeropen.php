<?php

namespace Rustbox\Mindbox\Loyalty;

/** A checkout call skipped because Mindbox failed a moment ago: the buyer goes on without Mindbox's part. */
final class BreakerOpen extends \RuntimeException
{
    public function __construct(public readonly float $seconds)
    {
        parent::__construct(sprintf('Mindbox did not answer a checkout call in time; checkout calls resume in %.0f s', ceil($seconds)));
    }
}
