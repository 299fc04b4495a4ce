<?php

declare(strict_types=1);

namespace MindboxTests\Support;

use RuntimeException;

require_once __DIR__ . '/EmulatorArgs.php';
require_once dirname(__DIR__) . '/process/Binaries.php';
require_once dirname(__DIR__) . '/process/ProcessGroup.php';

/**
 * Drives a mindbox-emulator process from a test: starts it on a free loopback port, reads
 * and scripts it through its control API, and stops it.
 *
 * The binary is MINDBOX_EMULATOR_BIN, or target/debug/mindbox-emulator of this repository
 * (`cargo build -p mindbox-emulator`).
 */
final class Emulator
{
    private const DEFAULT_ENDPOINT_ID = 'test-shop';
    private const DEFAULT_SECRET_KEY = 'test-secret';
    private const START_TIMEOUT = 10.0;
    /** How long restart() keeps trying to get the old port back. */
    private const REBIND_TIMEOUT = 5.0;

    /** Its stdin is a pipe from this process: it exits when that closes, even if this process dies. */
    private ?ProcessGroup $process = null;
    private int $port = 0;
    private ?\CurlHandle $curl = null;

    /** @param list<string> $args */
    private function __construct(
        private readonly string $binary,
        private readonly array $args,
        private readonly string $endpointId,
        private readonly string $secretKey,
        private readonly string $dir,
    ) {
    }

    /**
     * Starts an emulator on 127.0.0.1 and a free port, and waits until it answers.
     *
     * @param array<int|string, scalar> $args extra command-line arguments, either as a list
     *     (['--latency-ms', '50']) or as a map (['latency-ms' => 50]); the endpoint id and
     *     secret key default to 'test-shop' and 'test-secret'
     */
    public static function start(array $args = []): self
    {
        $binary = Binaries::emulator();
        if (!is_file($binary) || !is_executable($binary)) {
            throw new RuntimeException("mindbox-emulator not found at $binary: build it with "
                . '`cargo build -p mindbox-emulator` or set MINDBOX_EMULATOR_BIN');
        }
        $list = EmulatorArgs::toList($args);
        foreach ($list as $arg) {
            if (preg_match('/^--(listen|port-file)(=|$)/', $arg) === 1) {
                throw new RuntimeException("Emulator::start() chooses $arg itself");
            }
        }
        $endpointId = EmulatorArgs::value($list, '--endpoint-id');
        if ($endpointId === null) {
            $endpointId = self::DEFAULT_ENDPOINT_ID;
            array_push($list, '--endpoint-id', $endpointId);
        }
        $secretKey = EmulatorArgs::value($list, '--secret-key');
        if ($secretKey === null) {
            $secretKey = self::DEFAULT_SECRET_KEY;
            array_push($list, '--secret-key', $secretKey);
        }
        $dir = sys_get_temp_dir() . '/mindbox-emulator-' . getmypid() . '-' . bin2hex(random_bytes(4));
        if (!mkdir($dir, 0700)) {
            throw new RuntimeException("cannot create $dir");
        }
        $emulator = new self($binary, $list, $endpointId, $secretKey, $dir);
        $emulator->launch('127.0.0.1:0', self::START_TIMEOUT);
        return $emulator;
    }

    public function __destruct()
    {
        $this->stop();
        foreach (glob($this->dir . '/*') ?: [] as $file) {
            @unlink($file);
        }
        @rmdir($this->dir);
    }

    public function baseUrl(): string
    {
        return 'http://127.0.0.1:' . $this->port;
    }

    public function port(): int
    {
        return $this->port;
    }

    public function endpointId(): string
    {
        return $this->endpointId;
    }

    public function secretKey(): string
    {
        return $this->secretKey;
    }

    /**
     * The URL of a Mindbox operation on this emulator, with endpointId and operation filled in.
     *
     * @param array<string, string> $query more query parameters (transactionId, deviceUUID, …)
     */
    public function operationUrl(string $operation, array $query = [], string $mode = 'sync'): string
    {
        $query = ['endpointId' => $this->endpointId, 'operation' => $operation] + $query;
        return $this->baseUrl() . "/v3/operations/$mode?" . http_build_query($query, '', '&', PHP_QUERY_RFC3986);
    }

    /**
     * The journal: every call to the Mindbox endpoints, oldest first. Integers too large for
     * PHP come back as strings, so a test can compare them exactly.
     *
     * @param array{since?: int, operation?: string, outcome?: string, endpoint?: string} $filter
     * @return list<array<string, mixed>>
     */
    public function journal(array $filter = []): array
    {
        $query = $filter === [] ? '' : '?' . http_build_query($filter, '', '&', PHP_QUERY_RFC3986);
        return $this->control('GET', '/journal' . $query, null, 30)['requests'];
    }

    /**
     * @return array{connectionsAccepted: int, connectionsOpen: int, mindboxConnections: int,
     *     requests: int, processed: int, duplicates: int, rejected: int, faults: int}
     */
    public function stats(): array
    {
        return $this->control('GET', '/stats');
    }

    /** Forgets the journal, transactions, faults, scripts, loyalty programme, balances and ledger, and counters. */
    public function reset(): void
    {
        $this->control('POST', '/reset');
    }

    /**
     * Replaces the fault configuration: ['latencyMs' => ?int, 'seed' => ?int, 'rules' => [...]].
     *
     * @param array<string, mixed> $config
     */
    public function faults(array $config): void
    {
        $this->control('POST', '/faults', $config);
    }

    public function clearFaults(): void
    {
        $this->control('DELETE', '/faults');
    }

    /**
     * Sets the loyalty programme that carts, orders and balances follow (promotions, promoCodes with 'once' => true
     * for single-use codes, balances as ['websiteID:42' => 500.0], defaultBalance, maxPointsPercent, earnPercent,
     * cancelStatuses: the orderLinesStatus values that cancel, default ['Cancelled']); balances restart from it,
     * the ledger does not.
     * @param array<string, mixed> $config
     */
    public function loyalty(array $config): void
    {
        $this->control('POST', '/loyalty', $config);
    }

    /**
     * Every order the loyalty programme booked since the last reset (processed, standard and offline), with what it
     * did to its customer's balance, and every customer's balance now (those of the programme included). Money is
     * in roubles; ids are strings; customer is null when the order moved no balance.
     *
     * @return array{orders: list<array{mindboxId: int, kind: 'processed'|'standard'|'offline',
     *     status: 'active'|'cancelled', ids: array<string, string>, customer: ?string, totalPrice: float,
     *     spentPoints: float, earnedPoints: float, promoCodes: list<string>}>, balances: array<string, float>}
     */
    public function ledger(): array
    {
        return $this->control('GET', '/loyalty/ledger');
    }

    /**
     * Has the emulator fetch a product feed as Mindbox does (a GET, login and password as HTTP Basic, no redirect
     * followed, gzip as Content-Encoding with text/xml or as application/x-gzip) and say what Mindbox would import.
     * The URL must be http:// on loopback (else a RuntimeException: the emulator answers 400). Issues are what stops
     * or doubts the whole feed (access denied, a redirect, gzip declared but absent, XML not well-formed, …);
     * rejected lists the first 1,000 offers Mindbox would not import, with why; missingIds, only when $ids are
     * given, those of them not among the imported offers.
     *
     * @param list<string|int> $ids
     * @return array{url: string, status: ?int, contentType: ?string, gzip: bool, bytes: int, offers: int,
     *     categories: int, currencies: int, groups: int, rejected: list<array{offerId: string, reason: string}>,
     *     rejectedCount: int, issues: list<string>, missingIds?: list<string>}
     */
    public function feedVerdict(string $url, ?string $login = null, ?string $password = null, array $ids = []): array
    {
        $body = ['url' => $url, 'login' => $login, 'password' => $password];
        if ($ids !== []) {
            $body['ids'] = array_values($ids);
        }
        // Mindbox gives a download five minutes; the emulator as well.
        return $this->control('POST', '/feed', $body, 310);
    }

    /**
     * Sets the answer to processed calls of $operation until the next reset.
     *
     * @param array<string, mixed> $response
     */
    public function script(string $operation, array $response, int $status = 200, ?int $times = null): void
    {
        $script = ['operation' => $operation, 'status' => $status, 'response' => (object) $response];
        if ($times !== null) {
            $script['times'] = $times;
        }
        $this->control('POST', '/scripts', $script);
    }

    /**
     * The bulk imports' control API: GET `tasks`, `customers`, `orders` or `config`; POST `config` or `clock` with a
     * body (see emulator/src/main.rs).
     *
     * @return array<mixed>
     */
    public function bulk(string $path, ?array $body = null): array
    {
        return $this->control($body === null ? 'GET' : 'POST', '/bulk/' . $path, $body);
    }

    /**
     * The orders Mindbox keeps, with their lines and line statuses (GET /__emulator/orders, see emulator/src/main.rs);
     * with $websiteId the one that id names, or null.
     *
     * @return array<mixed>|null
     */
    public function orders(?string $websiteId = null): ?array
    {
        if ($websiteId === null) {
            return $this->control('GET', '/orders');
        }
        try {
            return $this->control('GET', '/orders?websiteID=' . rawurlencode($websiteId));
        } catch (\RuntimeException $e) {
            if (str_contains($e->getMessage(), '404')) {
                return null;
            }
            throw $e;
        }
    }

    /** Stops the emulator (SIGTERM to its process group, SIGKILL if it lingers) and waits. */
    public function stop(): void
    {
        if ($this->curl !== null) {
            curl_close($this->curl);
            $this->curl = null;
        }
        $this->process?->stop();
        $this->process = null;
    }

    /**
     * Stops the emulator and starts it again on the same port, with the same arguments and
     * an empty state, as a crash and restart of Mindbox would look to a client.
     */
    public function restart(): void
    {
        $port = $this->port;
        $this->stop();
        $deadline = microtime(true) + self::REBIND_TIMEOUT;
        while (true) {
            try {
                $this->launch('127.0.0.1:' . $port, self::START_TIMEOUT);
                return;
            } catch (RuntimeException $e) {
                // The old socket may take a moment to let go of the port.
                if (microtime(true) >= $deadline || !str_contains($e->getMessage(), 'cannot listen')) {
                    throw $e;
                }
                usleep(100_000);
            }
        }
    }

    private function launch(string $listen, float $timeout): void
    {
        $portFile = $this->dir . '/port';
        $stderrFile = $this->dir . '/stderr.log';
        @unlink($portFile);
        $this->process = ProcessGroup::start(
            [$this->binary, '--listen', $listen, '--port-file', $portFile, '--exit-with-stdin', ...$this->args],
            [0 => ['pipe', 'r'], 1 => ['file', $this->dir . '/stdout.log', 'w'], 2 => ['file', $stderrFile, 'w']],
        );
        $this->port = 0;

        $deadline = microtime(true) + $timeout;
        $lastError = 'no port file yet';
        while (microtime(true) < $deadline) {
            $exitCode = $this->process->exitCode();
            if ($exitCode !== null) {
                $stderr = trim((string) @file_get_contents($stderrFile));
                $this->stop();
                throw new RuntimeException(sprintf('mindbox-emulator exited with code %d before it was ready: %s',
                    $exitCode, $stderr === '' ? '(no output)' : $stderr));
            }
            if ($this->port === 0) {
                $text = @file_get_contents($portFile);
                if (is_string($text) && ctype_digit(trim($text))) {
                    $this->port = (int) trim($text);
                }
            }
            if ($this->port !== 0) {
                try {
                    $this->control('GET', '/stats', null, 1);
                    return;
                } catch (RuntimeException $e) {
                    $lastError = $e->getMessage();
                }
            }
            usleep(20_000);
        }
        $stderr = trim((string) @file_get_contents($stderrFile));
        $this->stop();
        throw new RuntimeException(sprintf('mindbox-emulator was not ready within %.0f s (%s); its stderr: %s',
            $timeout, $lastError, $stderr === '' ? '(empty)' : $stderr));
    }

    /**
     * One control-API call. The curl handle is kept so that its connection is reused: the
     * emulator leaves connections that open with a control call out of its counts anyway.
     *
     * @param array<string, mixed>|null $body
     * @return array<string, mixed>
     */
    private function control(string $method, string $path, ?array $body = null, int $timeout = 5): array
    {
        if ($this->port === 0) {
            throw new RuntimeException('the emulator is not running');
        }
        $this->curl ??= curl_init();
        curl_reset($this->curl);
        $options = [
            CURLOPT_URL => $this->baseUrl() . '/__emulator' . $path,
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_CONNECTTIMEOUT_MS => 1000,
            CURLOPT_TIMEOUT => $timeout,
            CURLOPT_PROXY => '',
            CURLOPT_NOPROXY => '*',
            CURLOPT_HTTPHEADER => ['Content-Type: application/json', 'Expect:'],
        ];
        if ($body !== null) {
            $options[CURLOPT_POSTFIELDS] = json_encode($body, JSON_THROW_ON_ERROR | JSON_UNESCAPED_UNICODE
                | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION);
        } elseif ($method !== 'GET') {
            $options[CURLOPT_POSTFIELDS] = '';
        }
        curl_setopt_array($this->curl, $options);
        $response = curl_exec($this->curl);
        if (!is_string($response)) {
            throw new RuntimeException("emulator $method $path failed: " . curl_error($this->curl));
        }
        $status = curl_getinfo($this->curl, CURLINFO_RESPONSE_CODE);
        if ($status !== 200) {
            throw new RuntimeException("emulator $method $path answered HTTP $status: $response");
        }
        $decoded = json_decode($response, true, 512, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
        if (!is_array($decoded)) {
            throw new RuntimeException("emulator $method $path answered a non-object: $response");
        }
        return $decoded;
    }
}
