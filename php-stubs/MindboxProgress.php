<?php

// A stub of the mindbox extension (php-stubs/mindbox.php loads them all).

/**
 * A long command-line job's progress (the product feed, the history's export), on stderr so the job's own output on
 * stdout stays clean. At a terminal, a bar redrawn in place: done / total, percent, rate and ETA. Elsewhere (cron,
 * a log file), plain lines at every tenth of the way and at least every 10 seconds, e.g.
 * `Feed: 12,000/100,000 (12%), 3,400/s, ETA 23s`. {@see finish()} ends with a summary line,
 * `Feed: 100,000/100,000 in 29.4 s, 3,401/s. <message>`. Writing the progress never throws: a closed stderr is
 * ignored.
 */
final class MindboxProgress
{
    /**
     * @param int $total What "done" means (offers, orders); 0 when unknown: no percent, no ETA.
     * @param string $label What the job is, at the start of every line, e.g. `Feed s1`.
     * @throws MindboxInvalidArgumentException `total` below 0; `label` empty or with a line break.
     */
    public function __construct(int $total, string $label) {}

    /**
     * @param int $n More done (0 or more).
     * @throws MindboxInvalidArgumentException `n` below 0, or `advance` after finish().
     */
    public function advance(int $n = 1): void {}

    /**
     * @param int $done Done in all (0 or more; it may go back, when a job starts a part again).
     * @throws MindboxInvalidArgumentException `done` below 0, or `set` after finish().
     */
    public function set(int $done): void {}

    /**
     * Clears the bar (at a terminal) and writes the summary line, with `$message` after it.
     *
     * @throws MindboxInvalidArgumentException `message` with a line break, or `finish` a second time.
     */
    public function finish(?string $message = null): void {}
}
