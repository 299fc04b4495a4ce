<?php

declare(strict_types=1);

namespace MindboxTests\Support;

require_once dirname(__DIR__) . '/process/Binaries.php';
require_once dirname(__DIR__) . '/process/ProcessGroup.php';

/**
 * A real php-fpm8.2 pool with the extension loaded, on a loopback port, run the way a shop runs it: a master
 * forking static workers, which a test can kill, reload (SIGUSR2) or restart (SIGTERM, then a new master).
 */
final class FpmPool
{
    private ?ProcessGroup $master = null;
    public readonly int $port;

    /**
     * @param array<string, mixed> $config the MindboxClient config the pool's scripts read
     * @param array<string, string> $pool  pool settings over the defaults (pm.max_children, pm.max_requests, …)
     * @param ?string $extension the extension's file, this checkout's build by default; a reload loads whatever
     *     the path holds by then, as after a package's upgrade
     * @param array<string, string> $global the master's settings (process_control_timeout, …)
     */
    public function __construct(private readonly string $dir, array $config, array $pool = [], private readonly ?string $extension = null, array $global = [])
    {
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $name = (string) stream_socket_get_name($probe, false);
        $this->port = (int) substr($name, strrpos($name, ':') + 1);
        fclose($probe);
        $settings = $pool + ['pm' => 'static', 'pm.max_children' => '3', 'pm.max_requests' => '0'];
        $lines = ['[global]', 'pid = ' . $dir . '/fpm.pid', 'error_log = ' . $dir . '/fpm.log', 'daemonize = no'];
        foreach ($global as $key => $value) {
            $lines[] = "$key = $value";
        }
        array_push($lines, '[test]', "listen = 127.0.0.1:{$this->port}");
        foreach ($settings as $key => $value) {
            $lines[] = "$key = $value";
        }
        // The pool file is ini: base64 keeps JSON's quotes and braces out of its parser.
        $lines[] = 'clear_env = yes';
        $lines[] = 'env[MINDBOX_TEST_CONFIG] = "' . base64_encode(json_encode($config, JSON_THROW_ON_ERROR)) . '"';
        // send.php names its events' transactionIds after the request and this pool's run.
        $lines[] = 'env[MINDBOX_TEST_RUN] = "' . bin2hex(random_bytes(8)) . '"';
        $lines[] = 'catch_workers_output = yes';
        file_put_contents($dir . '/fpm.conf', implode("\n", $lines) . "\n");
        $this->start();
    }

    public static function binary(): ?string
    {
        foreach (['/usr/sbin/php-fpm8.2', '/usr/sbin/php-fpm'] as $path) {
            if (is_executable($path)) {
                return $path;
            }
        }
        return null;
    }

    public function masterPid(): int
    {
        return $this->master->pid;
    }

    /** @return list<int> the master's children */
    public function workerPids(): array
    {
        $master = $this->masterPid();
        $pids = [];
        foreach (glob('/proc/[0-9]*/stat') ?: [] as $stat) {
            $fields = explode(' ', (string) substr((string) @file_get_contents($stat), (int) strrpos((string) @file_get_contents($stat), ')') + 2));
            if ((int) ($fields[1] ?? 0) === $master) {
                $pids[] = (int) basename(dirname($stat));
            }
        }
        sort($pids);
        return $pids;
    }

    /** A graceful reload: the master restarts its workers, which finish their requests first. */
    public function reload(): void
    {
        posix_kill($this->masterPid(), SIGUSR2);
        $this->waitServing();
    }

    /** What `systemctl restart php-fpm` does: SIGTERM to the master and its workers, then a new master. */
    public function restart(): void
    {
        $this->stop();
        $this->start();
    }

    public function stop(): void
    {
        $this->master?->stop();
        $this->master = null;
    }

    /** @return list<string> what the master's file descriptors point at, sockets by kind only */
    public function masterDescriptors(): array
    {
        $targets = [];
        foreach (glob('/proc/' . $this->masterPid() . '/fd/*') ?: [] as $fd) {
            $target = (string) @readlink($fd);
            // Workers come and go with their pipes; what matters is the kind of each descriptor.
            $targets[] = (string) preg_replace('~^(socket|pipe|anon_inode):.*$~', '$1', $target);
        }
        sort($targets);
        return $targets;
    }

    public function log(): string
    {
        return (string) @file_get_contents($this->dir . '/fpm.log') . (string) @file_get_contents($this->dir . '/fpm.err');
    }

    private function start(): void
    {
        $command = [self::binary(), '-F', '-y', $this->dir . '/fpm.conf', '-d', 'extension=' . ($this->extension ?? Binaries::extension())];
        if (function_exists('posix_getuid') && posix_getuid() === 0) {
            $command[] = '-R';
        }
        $this->master = ProcessGroup::start($command, [1 => ['file', $this->dir . '/fpm.out', 'a'], 2 => ['file', $this->dir . '/fpm.err', 'a']]);
        $this->waitServing();
    }

    private function waitServing(): void
    {
        $deadline = microtime(true) + 10;
        while (microtime(true) < $deadline) {
            $socket = @stream_socket_client("tcp://127.0.0.1:{$this->port}", $errno, $error, 0.2);
            if ($socket !== false) {
                fclose($socket);
                return;
            }
            usleep(20_000);
        }
        throw new \RuntimeException('PHP-FPM did not start: ' . $this->log());
    }
}
