<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use MindboxTests\Bitrix\Fakes\FakeShop;
use PHPUnit\Framework\TestCase;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Mindbox;

/**
 * A shop on the fake core with the module installed and configured, whose Mindbox clients are recording doubles of
 * MindboxClientInterface: what the handlers hand to the client is in sent().
 */
abstract class ModuleTestCase extends TestCase
{
    /** Every method the module may call on a client (MindboxClientInterface, php-stubs/). */
    private const CLIENT_METHODS = [
        'call', 'send', 'createOrder', 'updateOrder', 'registerCustomer', 'updateCustomer', 'setCart',
        'subscribeEmail', 'getCustomerBalance', 'getBalances', 'flush', 'outboxStats', 'failedItems', 'retryFailed',
        'heldPoints', 'withdraw', 'snapshot', 'saveSnapshot', 'forgetSnapshot',
    ];

    /** Kept as the outbox keeps them (a send's `snapshot` option, saveSnapshot()), and not among the calls. */
    private const SNAPSHOT_METHODS = ['snapshot', 'saveSnapshot', 'forgetSnapshot'];

    protected const STATUS_MAP = ['N' => 'CheckedOut', 'P' => 'Paid', 'F' => 'Delivered', 'CANCELED' => 'Cancelled', 'DELETED' => 'Removed'];

    protected FakeShop $shop;

    /** @var list<array{site: string, method: string, args: array}> */
    protected array $calls = [];

    /** @var list<array> the client configs the facade was asked for */
    protected array $configs = [];

    /** When set, every client method throws it. */
    protected ?\Throwable $clientFailure = null;

    /** Failures of single client methods, by method name: e.g. only getCustomerBalance times out. */
    protected array $methodFailures = [];

    /** What getCustomerBalance answers. */
    protected float $balance = 0.0;

    /** What heldPoints answers: points held by orders not yet delivered. */
    protected float $held = 0.0;

    /** @var array<string, array> the order snapshots kept, by key */
    protected array $snapshots = [];

    /** What outboxStats answers. */
    protected array $outboxStats = ['pending' => 0, 'failed' => 0, 'oldestPendingAge' => null, 'lastError' => null, 'credentialsRefused' => false];

    protected function setUp(): void
    {
        $this->shop = FakeShop::open(['s1' => 'Shop', 's2' => 'Outlet']);
        $this->shop->installModule();
        $this->shop->configure([
            'endpoint_id' => 'shop-website',
            'secret_key' => 'test-secret',
            'status_map' => json_encode(self::STATUS_MAP),
        ]);
        Mindbox::setClientFactory(function (array $config, Settings $settings): \MindboxClientInterface {
            $this->configs[] = $config;
            return $this->recordingClient($settings->siteId());
        });
    }

    protected function tearDown(): void
    {
        $this->shop->close();
    }

    /**
     * What reached the clients, as [operation, body, options]: the helper's name for helpers, the operation name
     * for send().
     *
     * @return list<array{0: string, 1: array, 2: array}>
     */
    protected function sent(): array
    {
        $sent = [];
        foreach ($this->calls as $call) {
            if ($call['method'] === 'send') {
                $sent[] = [$call['args'][0], $call['args'][1], $call['args'][2] ?? []];
            } elseif (in_array($call['method'], ['createOrder', 'updateOrder', 'registerCustomer', 'updateCustomer', 'setCart', 'subscribeEmail'], true)) {
                $sent[] = [$call['method'], $call['args'][0], $call['args'][1] ?? []];
            }
        }
        return $sent;
    }

    /** @return list<array{0: string, 1: array, 2: array}> what was sent with one operation */
    protected function sentOf(string $operation): array
    {
        return array_values(array_filter($this->sent(), static fn (array $s) => $s[0] === $operation));
    }

    /** @return list<string> the operations sent, in order */
    protected function sentOperations(): array
    {
        return array_column($this->sent(), 0);
    }

    /** @return list<array> the arguments of each call of one client method */
    protected function callsOf(string $method): array
    {
        return array_column(array_values(array_filter($this->calls, static fn (array $c) => $c['method'] === $method)), 'args');
    }

    protected function eventLogDescriptions(): array
    {
        return array_column(\CEventLog::fakeEntries(), 'DESCRIPTION');
    }

    private function recordingClient(string $siteId): \MindboxClientInterface
    {
        // The interface grows while the extension is built (send() and the outbox come after call()); methods it
        // does not declare yet are added to the double.
        $interface = new \ReflectionClass(\MindboxClientInterface::class);
        $declared = array_map(static fn (\ReflectionMethod $m) => $m->getName(), $interface->getMethods());
        $builder = $this->getMockBuilder(\MindboxClientInterface::class)->onlyMethods($declared);
        $missing = array_values(array_diff(self::CLIENT_METHODS, $declared));
        if ($missing !== []) {
            $builder->addMethods($missing);
        }
        $client = $builder->getMock();
        foreach (self::CLIENT_METHODS as $method) {
            $client->method($method)->willReturnCallback(function (...$args) use ($siteId, $method) {
                $failure = $this->methodFailures[$method] ?? $this->clientFailure;
                if ($failure !== null) {
                    throw $failure;
                }
                if (in_array($method, self::SNAPSHOT_METHODS, true)) {
                    return $this->snapshotMethod($method, ...$args);
                }
                $this->calls[] = ['site' => $siteId, 'method' => $method, 'args' => $args];
                $snapshot = end($args)['snapshot'] ?? null;
                if (is_array($snapshot)) {
                    $this->snapshots[$snapshot['key']] = $snapshot['value'];
                }
                return $this->answer($method, count($this->calls));
            });
        }
        return $client;
    }

    private function snapshotMethod(string $method, string $key, array $value = []): ?array
    {
        switch ($method) {
            case 'saveSnapshot':
                $this->snapshots[$key] = $value;
                return null;
            case 'forgetSnapshot':
                unset($this->snapshots[$key]);
                return null;
            default:
                return isset($this->snapshots[$key])
                    ? ['value' => $this->snapshots[$key], 'savedAt' => 0, 'itemId' => null, 'transactionId' => null, 'delivery' => 'delivered']
                    : null;
        }
    }

    private function answer(string $method, int $n): mixed
    {
        return match ($method) {
            'call' => ['status' => 'Success'],
            'getCustomerBalance' => $this->balance,
            'getBalances', 'failedItems' => [],
            'flush' => ['sent' => 0, 'retrying' => 0, 'failed' => 0, 'pending' => 0],
            'outboxStats' => $this->outboxStats,
            'retryFailed' => 0,
            'heldPoints' => $this->held,
            'withdraw' => true,
            default => sprintf('00000000-0000-4000-8000-%012d', $n),
        };
    }
}
