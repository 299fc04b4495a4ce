<?php

declare(strict_types=1);

use MindboxTests\Support\FastCgi;

/** Paced shop requests, one at a time (the pool has far more workers than the rate needs). */
final class Traffic
{
    /** @var list<array{0: string, 1: float, 2: float, 3: int}> transactionId, unix time send() returned, its µs, worker pid */
    public array $events = [];
    /** @var array<int, int> requests served, by worker pid */
    public array $requestsByPid = [];
    public int $failed = 0;
    private int $n = 0;
    private float $next;

    public function __construct(private readonly int $port, private readonly float $interval)
    {
        $this->next = microtime(true);
    }

    /** Makes the next request if it is due; returns when the one after is due. */
    public function tick(float $now, string $mode): float
    {
        if ($now >= $this->next) {
            $this->request($mode);
            // A stalled request must not be followed by a burst that makes up for it.
            $this->next = max($this->next + $this->interval, microtime(true) - $this->interval);
        }
        return $this->next;
    }

    private function request(string $mode): void
    {
        $n = $this->n++;
        try {
            $answer = json_decode(trim(FastCgi::get('127.0.0.1', $this->port, dirname(__DIR__) . '/fpm_request.php', "n=$n&mode=$mode", 10.0)['body']), true);
        } catch (RuntimeException) {
            $answer = null;
        }
        if (!is_array($answer) || !isset($answer['pid'])) {
            $this->failed++;
            return;
        }
        $pid = (int)$answer['pid'];
        $this->requestsByPid[$pid] = ($this->requestsByPid[$pid] ?? 0) + 1;
        foreach ($answer['events'] as [$id, $at, $us]) {
            $this->events[] = [(string)$id, (float)$at, (float)$us, $pid];
        }
    }
}
