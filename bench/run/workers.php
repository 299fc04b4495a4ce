<?php

declare(strict_types=1);

use MindboxTests\Support\ProcessGroup;

require_once dirname(__DIR__, 2) . '/tests/support/process/ProcessGroup.php';

/** The worker scripts, each in a PHP process (and a process group) of its own. */

/**
 * Runs one worker script in its own PHP process and returns its JSON line.
 *
 * @param array<string, mixed> $args
 * @param list<string> $prefix a command the PHP process runs under
 * @param ?callable(int $code, string $output): array<string, mixed> $onFailure see workers()
 * @return array<string, mixed>
 */
function worker(string $script, array $args, bool $withExtension = true, float $timeout = 900, array $prefix = [], ?callable $onFailure = null): array
{
    return workers([[$script, $args, $withExtension, $prefix]], $timeout, $onFailure)[0];
}

/**
 * Runs several workers at once; returns their JSON lines in order. A job's fourth element, if any,
 * is a command that the PHP process runs under (unshare …). A worker that fails (exits with an
 * error, or is killed) fails the benchmark, unless $onFailure is given: what it returns, from the
 * exit code and the worker's output, stands for that worker's line (a measurement that may run out
 * of memory reports so in its row).
 *
 * @param list<array{0: string, 1: array<string, mixed>, 2: bool, 3?: list<string>}> $jobs
 * @param ?callable(int $code, string $output): array<string, mixed> $onFailure
 * @return list<array<string, mixed>>
 */
function workers(array $jobs, float $timeout = 900, ?callable $onFailure = null): array
{
    global $extension;
    $running = [];
    foreach ($jobs as $k => $job) {
        [$script, $args, $withExtension] = $job;
        $command = [...($job[3] ?? []), PHP_BINARY, '-d', 'memory_limit=-1'];
        if ($withExtension) {
            array_push($command, '-d', "extension=$extension");
        }
        array_push($command, dirname(__DIR__) . "/$script", json_encode($args, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES));
        $process = ProcessGroup::start($command, [1 => ['pipe', 'w'], 2 => STDERR]);
        stream_set_blocking($process->pipes[1], false);
        $running[$k] = [$process, $process->pipes[1], '', $script];
    }
    $deadline = microtime(true) + $timeout;
    $results = [];
    while ($running !== []) {
        foreach ($running as $k => [$process, $pipe, $buffer, $script]) {
            $chunk = stream_get_contents($pipe);
            $running[$k][2] = $buffer .= (string)$chunk;
            if (feof($pipe) || !$process->running()) {
                $buffer .= (string)stream_get_contents($pipe);
                $code = $process->wait($timeout);
                $process->stop();
                unset($running[$k]);
                $decoded = json_decode(trim($buffer), true);
                if ($code !== 0 || !is_array($decoded)) {
                    if ($onFailure === null) {
                        stop_workers($running);
                        bench_fail("$script exited with $code: " . substr($buffer, 0, 500));
                    }
                    $decoded = $onFailure($code ?? -1, $buffer);
                }
                $results[$k] = $decoded;
            }
        }
        if ($running !== [] && microtime(true) > $deadline) {
            stop_workers($running);
            bench_fail('a worker ran past its time limit');
        }
        usleep(5_000);
    }
    ksort($results);
    return array_values($results);
}

/**
 * Ends the workers still running (after another one failed), so that none outlives the run.
 *
 * @param array<int, array{0: ProcessGroup, 1: resource, 2: string, 3: string}> $running
 */
function stop_workers(array $running): void
{
    foreach ($running as [$process]) {
        $process->stop();
    }
}

/**
 * The command that starts a process in a PID namespace of its own, with its own /proc (and kills
 * what runs in it when it ends); none when this machine does not allow it (it needs root).
 *
 * @return list<string>
 */
function pid_namespace_prefix(): array
{
    static $prefix = null;
    if ($prefix === null) {
        $prefix = ['unshare', '--pid', '--fork', '--kill-child', '--mount-proc'];
        exec(implode(' ', $prefix) . ' true 2>/dev/null', $output, $code);
        if ($code !== 0) {
            fwrite(STDERR, "  (no PID namespace: the pool's thread creations are only sampled)\n");
            $prefix = [];
        }
    }
    return $prefix;
}
