<?php

namespace Rustbox\Mindbox\History;

/** Another run of the site's history holds it: a step is under way in another process, or a run is in progress. */
final class HistoryBusyException extends HistoryException
{
}
