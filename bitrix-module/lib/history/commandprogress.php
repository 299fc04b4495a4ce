<?php

namespace Rustbox\Mindbox\History;

/**
 * A run's progress on the command line's stderr: the extension's MindboxProgress bar of the records read (one bar per
 * entity), a line for each part Mindbox answered (or, in a dry run, each part written) with the parts left and an ETA
 * that counts the hourly import limit, and a line saying until when the run waits while Mindbox defers it.
 */
final class CommandProgress
{
    private ?\MindboxProgress $bar = null;
    private ?string $phase = null;
    private int $reported = 0;
    private ?int $waitingUntil = null;

    /** @param resource $err */
    public function __construct(private readonly string $siteId, private $err)
    {
    }

    /** A run carried on from where another process left it: the parts that process answered are not told again. */
    public function continuing(array $status): void
    {
        $this->reported = count(array_filter($status['parts'] ?? [], static fn (array $part) => $part['state'] !== JobState::SEALED));
    }

    /** HistoryJob's progress callback. */
    public function __invoke(array $status): void
    {
        $phase = $status['phase'];
        if ($phase !== $this->phase) {
            $this->bar?->finish();
            $this->bar = isset($status['total'][$phase])
                ? new \MindboxProgress($status['total'][$phase], sprintf('History %s, %s read', $this->siteId, $phase)) : null;
            $this->phase = $phase;
        }
        $this->bar?->set(min($status['read'][$phase] ?? 0, $status['total'][$phase] ?? 0));
        $done = array_values(array_filter($status['parts'], static fn (array $part) => $part['state'] !== JobState::SEALED));
        for (; $this->reported < count($done); $this->reported++) {
            $part = $done[$this->reported];
            $this->line(sprintf('%s %s (%s rows, %s bytes)%s; %s', $part['file'], $part['state'] === JobState::KEPT ? 'written' : 'sent',
                number_format($part['rows']), number_format($part['bytes']), !empty($part['alreadyProcessed']) ? ', Mindbox had it already' : '',
                self::left($status)));
        }
        if ($status['state'] === 'waiting' && $status['retryAt'] !== $this->waitingUntil) {
            $this->waitingUntil = $status['retryAt'];
            $this->line(sprintf('Mindbox defers the imports (%s): waiting until %s; %s', self::reason((string)$status['waitReason']),
                date('Y-m-d H:i:s', $status['retryAt']), self::left($status)));
        }
    }

    /** Ends the bar with its summary line, $message after it. */
    public function finish(string $message): void
    {
        $this->bar?->finish($message);
        $this->bar = null;
        $this->phase = null;
    }

    private function line(string $text): void
    {
        fwrite($this->err, sprintf("History %s: %s\n", $this->siteId, $text));
    }

    private static function left(array $status): string
    {
        $estimate = $status['estimate'];
        $eta = $estimate['seconds'] === null ? 'unknown yet' : self::duration($estimate['seconds']);
        return sprintf('%d of %d parts sent, about %d left, ETA %s at %d imports an hour', $status['partsSent'], $status['partsWritten'],
            $estimate['partsLeft'], $eta, $estimate['importsPerHour']);
    }

    private static function reason(string $reason): string
    {
        return match ($reason) {
            'budget' => 'the hourly import limit',
            'tooManyRequests' => 'it answered 429 Too Many Requests',
            'unavailable' => 'it is unavailable',
            default => $reason,
        };
    }

    private static function duration(int $seconds): string
    {
        return match (true) {
            $seconds >= 3600 => sprintf('%d h %02d min', intdiv($seconds, 3600), intdiv($seconds % 3600, 60)),
            $seconds >= 60 => sprintf('%d min', (int)ceil($seconds / 60)),
            default => sprintf('%d s', $seconds),
        };
    }
}
