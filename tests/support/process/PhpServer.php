<?php

declare(strict_types=1);

namespace MindboxTests\Support;

use RuntimeException;

require_once __DIR__ . '/ProcessGroup.php';

/** PHP's built-in server (php -S) with a router script, on a free loopback port, stopped with its workers. */
final class PhpServer
{
    private const START_TIMEOUT = 5.0;

    private function __construct(private readonly ProcessGroup $group, public readonly string $baseUrl)
    {
    }

    /**
     * @param array<string, string> $env over this process's environment (PHP_CLI_SERVER_WORKERS, the router's settings)
     * @param string|null $root the document root (-t); null: the current directory
     */
    public static function start(string $router, array $env = [], ?string $root = null, string $log = '/dev/null'): self
    {
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $name = (string)stream_socket_get_name($probe, false);
        fclose($probe);
        $port = (int)substr($name, strrpos($name, ':') + 1);
        $command = [PHP_BINARY, '-S', "127.0.0.1:$port", ...($root === null ? [] : ['-t', $root]), $router];
        $group = ProcessGroup::start(
            $command,
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', $log, 'w']],
            $env + getenv(),
        );
        $server = new self($group, "http://127.0.0.1:$port");
        $deadline = microtime(true) + self::START_TIMEOUT;
        while (($socket = @fsockopen('127.0.0.1', $port)) === false) {
            if (!$group->running() || microtime(true) > $deadline) {
                $group->stop();
                throw new RuntimeException("php -S $router did not start on port $port");
            }
            usleep(50_000);
        }
        fclose($socket);
        return $server;
    }

    public function stop(): void
    {
        $this->group->stop();
    }
}
