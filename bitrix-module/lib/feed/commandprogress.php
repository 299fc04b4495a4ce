<?php

namespace Rustbox\Mindbox\Feed;

/**
 * FeedJob's progress as the extension's MindboxProgress shows it on stderr (a bar at a terminal, plain lines under
 * cron): one bar per phase, catalogue elements read while mapping, offers written while assembling.
 */
final class CommandProgress
{
    private const PHASES = [RunState::MAP => 'reading the catalogue', RunState::ASSEMBLE => 'writing the feed'];

    private ?\MindboxProgress $bar = null;
    private ?string $phase = null;

    public function __construct(private readonly string $siteId)
    {
    }

    /** FeedJob's progress callback. */
    public function __invoke(int $done, int $total, string $phase): void
    {
        if ($phase !== $this->phase) {
            $this->bar?->finish();
            $this->bar = new \MindboxProgress($total, sprintf('Feed %s, %s', $this->siteId, self::PHASES[$phase] ?? $phase));
            $this->phase = $phase;
        }
        $this->bar->set($done);
    }

    /** Ends the phase's bar with its summary line, $message after it. */
    public function finish(string $message): void
    {
        $this->bar?->finish($message);
        $this->bar = null;
        $this->phase = null;
    }
}
