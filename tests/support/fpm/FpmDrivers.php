<?php

declare(strict_types=1);

namespace MindboxTests\Support;

use RuntimeException;

require_once dirname(__DIR__) . '/process/ProcessGroup.php';

/**
 * A shop's traffic against PHP-FPM pools: driver scripts, each in a process of its own, that send requests until their
 * stop file exists and print one JSON line per answered request. A test that fails before the stop file stops them
 * with itself.
 */
final class FpmDrivers
{
    /** @var list<ProcessGroup> */
    private array $drivers = [];
    /** @var list<string> what each driver printed so far */
    private array $output = [];

    /** @param list<list<string>> $commands one command line per driver */
    public function __construct(array $commands)
    {
        foreach ($commands as $command) {
            $driver = ProcessGroup::start($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']]);
            stream_set_blocking($driver->pipes[1], false);
            $this->drivers[] = $driver;
            $this->output[] = '';
        }
    }

    /** Waits while the drivers run, reading what they print so that their pipes never fill. */
    public function wait(float $seconds): void
    {
        $until = microtime(true) + $seconds;
        while (microtime(true) < $until) {
            foreach ($this->drivers as $d => $driver) {
                $this->output[$d] .= (string) stream_get_contents($driver->pipes[1]);
            }
            usleep(50_000);
        }
    }

    /**
     * Waits until the drivers end (their stop file must exist by now) and returns their answers.
     *
     * @return list<array<string, mixed>> every line the drivers printed, decoded
     */
    public function finish(): array
    {
        $answers = [];
        foreach ($this->drivers as $d => $driver) {
            stream_set_blocking($driver->pipes[1], true);
            $this->output[$d] .= (string) stream_get_contents($driver->pipes[1]);
            $error = (string) stream_get_contents($driver->pipes[2]);
            $status = $driver->wait(60.0);
            $driver->stop();
            if ($status !== 0) {
                throw new RuntimeException("a driver ended with status $status: $error");
            }
            foreach (array_filter(explode("\n", $this->output[$d])) as $line) {
                $answer = json_decode($line, true);
                if (!is_array($answer)) {
                    throw new RuntimeException("a driver printed what is no answer: $line");
                }
                $answers[] = $answer;
            }
        }
        return $answers;
    }
}
