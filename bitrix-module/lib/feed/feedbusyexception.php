<?php

namespace Rustbox\Mindbox\Feed;

/** Another run of the site's feed holds it: a step is under way in another process, or a run waits for its next step. */
final class FeedBusyException extends FeedException
{
}
