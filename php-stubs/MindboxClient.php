<?php

// A stub of the mindbox extension (php-stubs/mindbox.php loads them all).
// Bodies follow the Mindbox API v3 schema: https://developers.mindbox.ru/docs/v3

/**
 * The native Mindbox client.
 */
final class MindboxClient implements MindboxClientInterface
{
    /**
     * @param array{
     *     endpointId: string,
     *     secretKey: string,
     *     baseUrl?: string,
     *     authScheme?: 'secretKey'|'legacy',
     *     timeout?: float|int,
     *     connectTimeout?: float|int,
     *     outbox?: string,
     *     operations?: array<'createOrder'|'updateOrder'|'registerCustomer'|'updateCustomer'|'setCart'|'subscribeEmail'|'getCustomerBalance', string>,
     *     maxAttempts?: int,
     *     rateLimit?: int,
     *     concurrency?: int,
     *     logFile?: string|null,
     *     logLevel?: 'error'|'info'|'debug',
     *     logMaxBytes?: int,
     *     synchronous?: 'NORMAL'|'FULL',
     *     retryDelay?: float|int,
     *     retryMaxDelay?: float|int,
     *     lease?: float|int,
     *     bulkImportsPerHour?: int
     * } $config `baseUrl` defaults to https://api.mindbox.ru (plain http only to loopback),
     *     `timeout` to 5 s, `connectTimeout` to 2 s, `outbox` to ini `mindbox.outbox` (one of the
     *     two is required: a SQLite file whose directory other users cannot write, or, for a web
     *     cluster, `mysql://user:password@host:port/database?prefix=mindbox_`), `maxAttempts` to 12, `rateLimit` to 8000 a minute per operation
     *     (0: no limit), `concurrency` to 16 requests in flight, `retryDelay` to 2 s (doubling
     *     up to `retryMaxDelay`, 1800 s), `lease` to 60 s (a delivering process found dead
     *     is replaced at once; one on another node of a MySQL outbox when its heartbeat stops for 5 s;
     *     one that hangs, after its lease), `synchronous` to NORMAL, `bulkImportsPerHour` (1 to 60) to 60:
     *     {@see importBulk()}'s hourly budget, shared by every process of the outbox.
     * @throws MindboxInvalidArgumentException An unknown key or a bad value, named by its path;
     *     or `__construct()` called again on a client.
     */
    public function __construct(#[\SensitiveParameter] array $config) {}

    /**
     * The phone rule every body's `mobilePhone` goes by, for code that must know its verdict
     * before it sends (to say in its own log that a phone was left out): the field is split at
     * `,` and `;`, each number loses its formatting (spaces, `+`, brackets, dashes, letters),
     * and the first with 10 to 15 digits is the phone. A body whose `mobilePhone` holds none is
     * sent without the field.
     *
     * @param string $raw A phone field as people fill it in, e.g. `+7 (900) 123-45-67`.
     * @return string|null Its digits (`79001234567`), or null when it holds no phone number.
     */
    public static function normalizePhone(string $raw): ?string {}

    /**
     * {@inheritDoc}
     *
     * @param array<string, mixed> $body
     * @param array{deviceUUID?: string, customerIp?: string, transactionId?: string, endpoint?: 'sync'|'async', orderingKey?: string|int}|null $options
     * @return array<string, mixed>
     * @throws MindboxValidationException
     * @throws MindboxProtocolException
     * @throws MindboxUnavailableException
     * @throws MindboxInvalidArgumentException
     */
    public function call(string $operation, array $body, ?array $options = null): array {}

    /**
     * {@inheritDoc}
     *
     * @param array<string, mixed> $customer
     * @throws MindboxValidationException
     * @throws MindboxProtocolException
     * @throws MindboxUnavailableException
     * @throws MindboxInvalidArgumentException
     */
    public function getCustomerBalance(array $customer, ?string $balanceType = null): float {}

    /**
     * {@inheritDoc}
     *
     * @param array<string, mixed> $customer
     * @return list<array{systemName: string, available: float, blocked: float, total: float}>
     * @throws MindboxValidationException
     * @throws MindboxProtocolException
     * @throws MindboxUnavailableException
     * @throws MindboxInvalidArgumentException
     */
    public function getBalances(array $customer): array {}

    /**
     * Accepts an event for delivery through the durable outbox and returns at once, without any
     * network I/O. The event survives the process being killed; it is delivered in the
     * background (or by {@see flush()}) with retries, always with the same transactionId.
     *
     * Order bodies (with an `order` node) go to the sync endpoint and are kept in order per order
     * id; other events go to the async endpoint, in order per customer (or device).
     *
     * @param string $operation Operation system name, e.g. `Website.SetCart`.
     * @param array<string, mixed> $body Mindbox-shaped request body, normalised as for call().
     * @param array{deviceUUID?: string, customerIp?: string, transactionId?: string, endpoint?: 'sync'|'async', orderingKey?: string|int, hold?: array{key: string, amount: float|int}, delay?: float|int, snapshot?: array{key: string, value: array<array-key, mixed>}}|null $options `transactionId` (your own GUID), `endpoint`, `orderingKey`, and
     *     `deviceUUID` / `customerIp` captured now for the later delivery.
     *
     *     `hold` makes the item hold `amount` points (money: rounded to kopecks, 0 to 10^12) under
     *     `key` (1 to 256 characters, e.g. a customer and site) until Mindbox has answered it:
     *     while it is pending, delayed, waiting for a retry or being sent; no longer once it is
     *     delivered (TransactionAlreadyProcessed included) or parked as failed, and again when a
     *     parked item is retried. {@see heldPoints()} sums them.
     *
     *     `delay` (seconds, 0 to 86400) keeps the item from being sent before then; items after it
     *     with the same ordering key wait for it. It counts as pending, {@see flush()} does not wait
     *     for it, and {@see withdraw()} takes it back before it goes.
     *
     *     `snapshot` stores `value` under `key` as what Mindbox was last told (of an order, say),
     *     in the same transaction as the item: both are written or neither. It replaces the key's
     *     snapshot and remembers the item; {@see snapshot()} reads it back.
     * @return string The transactionId (a GUID v4 unless you gave one).
     * @throws MindboxInvalidArgumentException The operation, body or options cannot be sent,
     *     e.g. `options.hold.amount` negative, `options.delay` over a day or a bad
     *     `options.snapshot.key`; nothing was stored.
     * @throws MindboxOutboxException The outbox cannot be opened or written: the event was NOT accepted (nor its snapshot stored).
     */
    public function send(string $operation, array $body, ?array $options = null): string {}

    /**
     * A new order (Bitrix `OnSaleOrderSaved` with `IS_NEW`). {@see send()} with the configured operation (default `Website.CreateOrder`).
     *
     * @param array<string, mixed> $body
     * @param array{deviceUUID?: string, customerIp?: string, transactionId?: string, endpoint?: 'sync'|'async', orderingKey?: string|int, hold?: array{key: string, amount: float|int}, delay?: float|int, snapshot?: array{key: string, value: array<array-key, mixed>}}|null $options
     * @return string The transactionId.
     * @throws MindboxInvalidArgumentException
     * @throws MindboxOutboxException
     */
    public function createOrder(array $body, ?array $options = null): string {}

    /**
     * A change of an order: status, lines, prices. {@see send()} with the configured operation (default `Website.UpdateOrder`).
     *
     * @param array<string, mixed> $body
     * @param array{deviceUUID?: string, customerIp?: string, transactionId?: string, endpoint?: 'sync'|'async', orderingKey?: string|int, hold?: array{key: string, amount: float|int}, delay?: float|int, snapshot?: array{key: string, value: array<array-key, mixed>}}|null $options
     * @return string The transactionId.
     * @throws MindboxInvalidArgumentException
     * @throws MindboxOutboxException
     */
    public function updateOrder(array $body, ?array $options = null): string {}

    /**
     * A new customer (`OnAfterUserRegister` / `OnAfterUserAdd`). {@see send()} with the configured operation (default `Website.Register`).
     *
     * @param array<string, mixed> $body
     * @param array{deviceUUID?: string, customerIp?: string, transactionId?: string, endpoint?: 'sync'|'async', orderingKey?: string|int, hold?: array{key: string, amount: float|int}, delay?: float|int, snapshot?: array{key: string, value: array<array-key, mixed>}}|null $options
     * @return string The transactionId.
     * @throws MindboxInvalidArgumentException
     * @throws MindboxOutboxException
     */
    public function registerCustomer(array $body, ?array $options = null): string {}

    /**
     * A profile change (`OnAfterUserUpdate`). {@see send()} with the configured operation (default `Website.UpdateProfile`).
     *
     * @param array<string, mixed> $body
     * @param array{deviceUUID?: string, customerIp?: string, transactionId?: string, endpoint?: 'sync'|'async', orderingKey?: string|int, hold?: array{key: string, amount: float|int}, delay?: float|int, snapshot?: array{key: string, value: array<array-key, mixed>}}|null $options
     * @return string The transactionId.
     * @throws MindboxInvalidArgumentException
     * @throws MindboxOutboxException
     */
    public function updateCustomer(array $body, ?array $options = null): string {}

    /**
     * The whole cart, replacing the one Mindbox holds. {@see send()} with the configured operation (default `Website.SetCart`).
     *
     * @param array<string, mixed> $body
     * @param array{deviceUUID?: string, customerIp?: string, transactionId?: string, endpoint?: 'sync'|'async', orderingKey?: string|int, hold?: array{key: string, amount: float|int}, delay?: float|int, snapshot?: array{key: string, value: array<array-key, mixed>}}|null $options
     * @return string The transactionId.
     * @throws MindboxInvalidArgumentException
     * @throws MindboxOutboxException
     */
    public function setCart(array $body, ?array $options = null): string {}

    /**
     * An e-mail subscription. {@see send()} with the configured operation (default `Website.SubscribeEmail`).
     *
     * @param array<string, mixed> $body
     * @param array{deviceUUID?: string, customerIp?: string, transactionId?: string, endpoint?: 'sync'|'async', orderingKey?: string|int, hold?: array{key: string, amount: float|int}, delay?: float|int, snapshot?: array{key: string, value: array<array-key, mixed>}}|null $options
     * @return string The transactionId.
     * @throws MindboxInvalidArgumentException
     * @throws MindboxOutboxException
     */
    public function subscribeEmail(array $body, ?array $options = null): string {}

    /**
     * Delivers what this process can deliver now, for a Bitrix agent or a cron job, for at most
     * `$seconds`, and returns as soon as it can do nothing more: the outbox is empty or what is left
     * waits for its retry or its delay (`reason` "idle"), another process delivers for this endpoint
     * ("otherProcess"), Mindbox is failing and delivery holds off ("backoff"), Mindbox refuses the
     * key and delivery waits for its next probe ("credentials"; see outboxStats()), or the time ran
     * out ("deadline"). It uses the process's own delivery threads (at most `concurrency` of them).
     *
     * @return array{sent: int, retrying: int, failed: int, pending: int, reason: string} What this
     *     process delivered, rescheduled and parked meanwhile, how many items are still pending,
     *     and why it returned.
     * @throws MindboxInvalidArgumentException A negative or non-finite `$seconds`.
     * @throws MindboxOutboxException
     */
    public function flush(float $seconds = 10.0): array {}

    /**
     * The outbox of this client's endpoint.
     *
     * @return array{pending: int, failed: int, oldestPendingAge: float|null, lastError: string|null, deliverer: string|null, credentialsRefused: bool, credentialsProbeAt: int|null, bulkImportsLastHour: int, bulkBlockedUntil: int|null}
     *     `pending` counts delayed items too; `oldestPendingAge` in seconds since the longest-waiting
     *     pending item could first be sent (a delayed one from the end of its delay; 0 while it is
     *     not due), null when nothing is pending; `deliverer` the process that
     *     holds the endpoint's delivery lease now, as "host:pid", or null; `credentialsRefused`
     *     whether Mindbox refused this client's key (401, 403), and then `credentialsProbeAt` the
     *     Unix time when it is next tried with one request (a minute after the refusal, longer
     *     after each refused probe, up to 5 minutes; a time past: with the next delivery), else null.
     *     Any answer of Mindbox that takes the key, a call()'s included, ends the refusal.
     *     `bulkImportsLastHour`: the slots of {@see importBulk()}'s hourly budget taken in the last
     *     hour; `bulkBlockedUntil`: after Mindbox answered an import 429, the Unix time until which
     *     none goes, else null.
     * @throws MindboxOutboxException
     */
    public function outboxStats(): array {}

    /**
     * Items parked as failed (a ValidationError, another 4xx, an order Mindbox answered `PriceHasBeenChanged`,
     * or maxAttempts reached), oldest first,
     * a page at a time.
     *
     * @param int $limit 1 to 10000.
     * @param int $afterId Only items with a larger id: the last id of the page before, to page on.
     * @return list<array{id: int, operation: string, transactionId: string, attempts: int, httpStatus: int, status: string|null, errorId: string|null, message: string}>
     *     `status` is Mindbox's status (`ValidationError`, `ProtocolError`, `InternalServerError`,
     *     `PriceHasBeenChanged`) when known.
     * @throws MindboxInvalidArgumentException
     * @throws MindboxOutboxException
     */
    public function failedItems(int $limit = 100, int $afterId = 0): array {}

    /**
     * Moves parked items back to pending with a fresh attempt budget (same transactionId).
     *
     * @param list<int>|null $ids Item ids from failedItems(); null retries them all.
     * @return int How many items were moved.
     * @throws MindboxInvalidArgumentException
     * @throws MindboxOutboxException
     */
    public function retryFailed(?array $ids = null): int {}

    /**
     * The points held under `$key` by this endpoint's items that Mindbox has not answered yet
     * (sent with the `hold` option of {@see send()}), in every process and on every node that uses
     * this outbox: pending, delayed, waiting for a retry or being sent; not delivered, not
     * parked. One indexed query; the same endpoint scope as {@see outboxStats()}.
     *
     * @param string $key 1 to 256 characters, as given to `hold`.
     * @return float Points, to the kopeck; 0.0 when nothing is held.
     * @throws MindboxInvalidArgumentException An empty or longer key (path `key`).
     * @throws MindboxOutboxException
     */
    public function heldPoints(string $key): float {}

    /**
     * Takes an item of this endpoint out of the outbox before Mindbox has it: one that is pending,
     * delayed, waiting for a retry or parked. An item being sent at this moment stays, and so does
     * everything Mindbox has answered.
     *
     * @param string $transactionId As {@see send()} returned it.
     * @return bool True if an item was removed; false when there is none (delivered, withdrawn
     *     already, unknown) or it is being sent now.
     * @throws MindboxInvalidArgumentException Not a GUID (path `transactionId`).
     * @throws MindboxOutboxException
     */
    public function withdraw(string $transactionId): bool {}

    /**
     * {@inheritDoc}
     *
     * @return array{value: array<array-key, mixed>, savedAt: int, itemId: int|null, transactionId: string|null, delivery: 'pending'|'failed'|'delivered'}|null
     * @throws MindboxInvalidArgumentException
     * @throws MindboxOutboxException
     */
    public function snapshot(string $key): ?array {}

    /**
     * {@inheritDoc}
     *
     * @param array<array-key, mixed> $value
     * @throws MindboxInvalidArgumentException
     * @throws MindboxOutboxException
     */
    public function saveSnapshot(string $key, array $value): void {}

    /**
     * {@inheritDoc}
     *
     * @throws MindboxInvalidArgumentException
     * @throws MindboxOutboxException
     */
    public function forgetSnapshot(string $key): void {}

    /**
     * {@inheritDoc}
     *
     * @param array{query?: array<string, string|int>, delimiter?: string, qualifier?: string, timeout?: float|int}|null $options
     * @return array{status: 'sent', transactionId: string, alreadyProcessed: bool, answer: array<string, mixed>}|array{status: 'deferred', transactionId: string, reason: 'budget'|'tooManyRequests'|'unavailable', retryAt: int, httpStatus: int, message: string}
     * @throws MindboxInvalidArgumentException
     * @throws MindboxValidationException
     * @throws MindboxProtocolException
     * @throws MindboxOutboxException
     */
    public function importBulk(string $operation, string $file, string $transactionId, ?array $options = null): array {}
}
