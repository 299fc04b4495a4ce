<?php

declare(strict_types=1);

/**
 * The scenarios bench/run.php measured again with the outbox on MySQL carry this key prefix; their rows follow the
 * SQLite rows they repeat, named by the label.
 */
const REPORT_BACKENDS = ['' => '', 'mysql:' => 'MySQL outbox: '];

/** The table being written: the run's results, and the rows and verdicts so far. */
final class ReportTable
{
    /** @var list<array{0: int, 1: string, 2: string, 3: string, 4: string, 5: string, 6: string, 7: string}> */
    public array $rows = [];
    /** @var list<array{0: int, 1: string, 2: string, 3: string}> row number, what, target, status */
    public array $verdicts = [];
    /** @var array<int, ?float> the PHP way's median wait (ms) at each latency */
    public readonly array $php;

    /**
     * @param array<string, array<string, mixed>> $scenarios bench/run.php's results by key
     * @param array<string, mixed> $config its configuration
     */
    public function __construct(public readonly array $scenarios, public readonly array $config)
    {
        $this->php = [0 => $this->get('phpway:0', 'median'), 50 => $this->get('phpway:50', 'median')];
    }

    /** A figure of a scenario, down a path of keys; null when the scenario or the figure is missing. */
    public function get(string $key, string ...$path): mixed
    {
        $v = $this->scenarios[$key] ?? null;
        foreach ($path as $p) {
            if (!is_array($v) || !array_key_exists($p, $v)) {
                return null;
            }
            $v = $v[$p];
        }
        return $v;
    }

    /** A row; one with a status has a target, and its verdict is counted. */
    public function row(string $what, string $latency, string $median, string $p99, string $vs, string $target = '', string $status = ''): void
    {
        $this->rows[] = [count($this->rows) + 1, $what, $latency, $median, $p99, $vs, $target, $status];
        if ($status !== '') {
            $this->verdicts[] = [count($this->rows), $what . ($latency !== '' ? " ($latency)" : ''), $target, $status];
        }
    }

    /** The PHP way's delivery rate (calls a second) at a latency. */
    public function phpRate(int $latency): ?float
    {
        return $this->php[$latency] ? 1000 / $this->php[$latency] : null;
    }

    /** A wait against the PHP way's at the same latency: "250× less wait". */
    public function lessWait(int $latency, ?float $ms): string
    {
        $phpMs = $this->php[$latency];
        return ($phpMs && $ms) ? compare($phpMs / $ms, 'less wait', 'more wait') : '—';
    }
}
