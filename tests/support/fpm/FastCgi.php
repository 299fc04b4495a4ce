<?php

declare(strict_types=1);

namespace MindboxTests\Support;

use RuntimeException;

/**
 * Just enough of a FastCGI client to drive PHP-FPM the way nginx does: one GET per connection.
 */
final class FastCgi
{
    private const VERSION = 1;
    private const BEGIN_REQUEST = 1;
    private const END_REQUEST = 3;
    private const PARAMS = 4;
    private const STDIN = 5;
    private const STDOUT = 6;
    private const RESPONDER = 1;

    /**
     * The body of a shop request that must be answered: a request PHP-FPM cannot take now (restarting, a worker
     * killed in it, its database away) is sent again, as a shopper's browser would, until it has its events' ids.
     * Null when it never is.
     */
    public static function answered(int $port, string $script, string $query, int $tries): ?string
    {
        for ($try = 0; $try < $tries; $try++) {
            try {
                $answer = self::get('127.0.0.1', $port, $script, $query, 10.0);
                if (str_contains($answer['body'], '"ids"')) {
                    return trim($answer['body']);
                }
            } catch (\RuntimeException) {
            }
            usleep(20_000);
        }
        return null;
    }

    /**
     * @param array<string, string> $params more of what the web server passes (DOCUMENT_ROOT, …)
     * @return array{headers: string, body: string}
     */
    public static function get(string $host, int $port, string $script, string $query, float $timeout = 30.0, array $params = []): array
    {
        $socket = @stream_socket_client("tcp://$host:$port", $errno, $error, $timeout);
        if ($socket === false) {
            throw new RuntimeException("cannot reach PHP-FPM at $host:$port: $error");
        }
        stream_set_timeout($socket, (int) ceil($timeout));
        $params = [
            'GATEWAY_INTERFACE' => 'FastCGI/1.0',
            'REQUEST_METHOD' => 'GET',
            'SCRIPT_FILENAME' => $script,
            'SCRIPT_NAME' => '/' . basename($script),
            'REQUEST_URI' => '/' . basename($script) . '?' . $query,
            'QUERY_STRING' => $query,
            'SERVER_PROTOCOL' => 'HTTP/1.1',
            'SERVER_NAME' => 'localhost',
            'REMOTE_ADDR' => '127.0.0.1',
        ] + $params;
        $encoded = '';
        foreach ($params as $name => $value) {
            $encoded .= self::length(strlen($name)) . self::length(strlen($value)) . $name . $value;
        }
        fwrite($socket, self::record(self::BEGIN_REQUEST, pack('nCx5', self::RESPONDER, 0))
            . self::record(self::PARAMS, $encoded) . self::record(self::PARAMS, '')
            . self::record(self::STDIN, ''));

        $stdout = '';
        while (true) {
            $header = self::read($socket, 8);
            $fields = unpack('Cversion/Ctype/nid/nlength/Cpadding', $header);
            $content = self::read($socket, $fields['length'] + $fields['padding']);
            if ($fields['type'] === self::STDOUT) {
                $stdout .= substr($content, 0, $fields['length']);
            } elseif ($fields['type'] === self::END_REQUEST) {
                break;
            }
        }
        fclose($socket);
        [$headers, $body] = explode("\r\n\r\n", $stdout, 2) + ['', ''];
        return ['headers' => $headers, 'body' => $body];
    }

    private static function record(int $type, string $content): string
    {
        return pack('CCnnCx', self::VERSION, $type, 1, strlen($content), 0) . $content;
    }

    private static function length(int $n): string
    {
        return $n < 128 ? chr($n) : pack('N', $n | 0x80000000);
    }

    /** @param resource $socket */
    private static function read($socket, int $bytes): string
    {
        $data = '';
        while (strlen($data) < $bytes) {
            $chunk = fread($socket, $bytes - strlen($data));
            if ($chunk === false || $chunk === '') {
                throw new RuntimeException('PHP-FPM closed the connection mid-answer');
            }
            $data .= $chunk;
        }
        return $data;
    }
}
