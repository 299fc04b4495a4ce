<?php

declare(strict_types=1);

namespace MindboxTests\Support;

use RuntimeException;

/**
 * A process started in a session and process group of its own (setsid), stopped with every process it started: the
 * built-in server's workers, PHP-FPM's workers and Chromium's helpers outlive a signal to their parent alone. Groups
 * still running when this PHP process ends, also by SIGINT, SIGTERM or SIGHUP, are stopped then.
 */
final class ProcessGroup
{
    private const GRACE = 5.0;

    /** @var array<int, self> the groups this process started and has not stopped, by leader pid */
    private static array $running = [];
    private static bool $hooked = false;

    /** @var resource|null */
    private $process;
    public readonly int $pid;
    /** @var array<int, resource> the parent's ends of the pipes asked for in the descriptors */
    public readonly array $pipes;
    /** A fork of the starting process (pcntl_fork) must not stop its parent's groups. */
    private readonly int $owner;
    private ?int $exitCode = null;

    /**
     * @param list<string> $command
     * @param array<int, mixed> $descriptors as proc_open() takes them
     * @param array<string, string>|null $env null: this process's environment
     */
    public static function start(array $command, array $descriptors = [], ?array $env = null, ?string $cwd = null): self
    {
        self::hook();
        // A child proc_open() makes is never a group leader, so setsid(1) needs no fork: the pid is the group's.
        $process = proc_open(['setsid', ...$command], $descriptors, $pipes, $cwd, $env);
        if (!is_resource($process)) {
            throw new RuntimeException('cannot start ' . $command[0]);
        }
        $group = new self($process, $pipes);
        // setsid(1) makes the group a moment after the fork; until then a signal to the group would reach nobody.
        $deadline = microtime(true) + self::GRACE;
        while (self::stat($group->pid)[2] !== (string)$group->pid && $group->running() && microtime(true) < $deadline) {
            usleep(1_000);
        }
        return self::$running[$group->pid] = $group;
    }

    /** @param resource $process */
    private function __construct($process, array $pipes)
    {
        $this->process = $process;
        $this->pid = (int)proc_get_status($process)['pid'];
        $this->pipes = $pipes;
        $this->owner = getmypid();
    }

    public function __destruct()
    {
        $this->stop();
    }

    /** Whether the process it started (the group's leader) runs. */
    public function running(): bool
    {
        if ($this->exitCode === null && $this->process !== null) {
            $status = proc_get_status($this->process);
            if (!$status['running']) {
                // proc_get_status() tells the exit code once, when it reaps the process.
                $this->exitCode = $status['exitcode'];
            }
        }
        return $this->exitCode === null && $this->process !== null;
    }

    /** The leader's exit code once it has ended, else null. */
    public function exitCode(): ?int
    {
        $this->running();
        return $this->exitCode;
    }

    /** Waits until the leader ends or $timeout seconds pass; its exit code, or null when it still runs. */
    public function wait(float $timeout): ?int
    {
        $deadline = microtime(true) + $timeout;
        while ($this->running() && microtime(true) < $deadline) {
            usleep(10_000);
        }
        return $this->exitCode();
    }

    /** Sends $signal to every process of the group. */
    public function signal(int $signal): void
    {
        if ($this->members() !== []) {
            posix_kill(-$this->pid, $signal);
        }
    }

    /**
     * SIGTERM to the group, SIGKILL to what is left of it after $grace seconds; returns once none of it is left.
     * The pipes it was given are closed first, so that a process waiting on its input ends as well.
     */
    public function stop(float $grace = self::GRACE): void
    {
        if ($this->process === null || getmypid() !== $this->owner) {
            return;
        }
        foreach ($this->pipes as $pipe) {
            if (is_resource($pipe)) {
                fclose($pipe);
            }
        }
        $this->signal(SIGTERM);
        if (!$this->waitForMembers($grace)) {
            $this->signal(SIGKILL);
            $this->waitForMembers(self::GRACE);
        }
        $this->running();
        proc_close($this->process);
        $this->process = null;
        unset(self::$running[$this->pid]);
    }

    private function waitForMembers(float $timeout): bool
    {
        $deadline = microtime(true) + $timeout;
        do {
            // The leader is this process's child: reaped here, or it would stay a member as a zombie.
            $this->running();
            if ($this->members() === []) {
                return true;
            }
            usleep(10_000);
        } while (microtime(true) < $deadline);
        return false;
    }

    /** @return list<int> the live processes of the group (zombies are ended: they only wait to be reaped) */
    private function members(): array
    {
        $members = [];
        foreach (glob('/proc/[0-9]*', GLOB_ONLYDIR) ?: [] as $dir) {
            $pid = (int)basename($dir);
            [$state, , $group] = self::stat($pid);
            if ($group === (string)$this->pid && $state !== 'Z') {
                $members[] = $pid;
            }
        }
        return $members;
    }

    /** @return array{0: string, 1: string, 2: string} a process's state, parent and process group ('' once it is gone) */
    private static function stat(int $pid): array
    {
        $stat = (string)@file_get_contents("/proc/$pid/stat");
        // The fields after the command name, which may hold spaces and parentheses.
        return array_slice(explode(' ', substr($stat, (int)strrpos($stat, ')') + 2)), 0, 3) + ['', '', ''];
    }

    /** Stops every group of this process at its end, and on the signals that would end it without that. */
    private static function hook(): void
    {
        if (self::$hooked) {
            return;
        }
        self::$hooked = true;
        register_shutdown_function(static fn () => self::stopAll());
        pcntl_async_signals(true);
        foreach ([SIGINT, SIGTERM, SIGHUP] as $signal) {
            pcntl_signal($signal, static function (int $signal): void {
                self::stopAll();
                exit(128 + $signal);
            });
        }
    }

    private static function stopAll(): void
    {
        foreach (self::$running as $group) {
            $group->stop();
        }
    }
}
