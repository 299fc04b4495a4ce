<?php

// A stub of the mindbox extension (php-stubs/mindbox.php loads them all).
// Bodies follow the Mindbox API v3 schema: https://developers.mindbox.ru/docs/v3

/**
 * Everything a shop's code may call on a Mindbox client.
 *
 * @phpstan-type CallOptions array{
 *     deviceUUID?: string,
 *     customerIp?: string,
 *     transactionId?: string,
 *     endpoint?: 'sync'|'async',
 *     orderingKey?: string|int
 * }
 * @phpstan-type Balance array{systemName: string, available: float, blocked: float, total: float}
 */
interface MindboxClientInterface
{
    /**
     * Calls a Mindbox operation synchronously and returns its decoded answer.
     *
     * @param string $operation Operation system name, e.g. `Website.GetCustomerBalance`.
     * @param array<string, mixed> $body Mindbox-shaped request body (phones, e-mails, money and
     *     quantities are normalised; a `mobilePhone` that is no phone number, as
     *     {@see MindboxClient::normalizePhone()} judges it, is left out; missing order
     *     `lineNumber`s are filled).
     * @param array{deviceUUID?: string, customerIp?: string, transactionId?: string, endpoint?: 'sync'|'async', orderingKey?: string|int}|null $options
     * @return array<string, mixed> The decoded answer, `status` included.
     * @throws MindboxValidationException Mindbox answered `ValidationError`.
     * @throws MindboxProtocolException Mindbox answered 4xx (`ProtocolError`), 429 included.
     * @throws MindboxUnavailableException 5xx, timeout, refused or reset connection, unreadable answer.
     * @throws MindboxInvalidArgumentException The operation, body or options cannot be sent.
     */
    public function call(string $operation, array $body, ?array $options = null): array;

    /**
     * Points available on one balance of a customer (`Website.GetCustomerBalance` by default).
     *
     * @param array<string, mixed> $customer Customer node, e.g. `['ids' => ['websiteID' => '42']]`.
     * @param string|null $balanceType `balanceType.ids.systemName`; null picks the only balance,
     *     or `Main` among several.
     * @return float 0.0 when the customer has no such balance.
     * @throws MindboxValidationException
     * @throws MindboxProtocolException
     * @throws MindboxUnavailableException
     * @throws MindboxInvalidArgumentException Also when several balances exist, none is `Main`
     *     and no type was given.
     */
    public function getCustomerBalance(array $customer, ?string $balanceType = null): float;

    /**
     * Every balance of a customer, whichever field naming Mindbox used.
     *
     * @param array<string, mixed> $customer Customer node, e.g. `['ids' => ['websiteID' => '42']]`.
     * @return list<array{systemName: string, available: float, blocked: float, total: float}>
     * @throws MindboxValidationException
     * @throws MindboxProtocolException
     * @throws MindboxUnavailableException
     * @throws MindboxInvalidArgumentException
     */
    public function getBalances(array $customer): array;

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
    public function send(string $operation, array $body, ?array $options = null): string;

    /**
     * A new order (Bitrix `OnSaleOrderSaved` with `IS_NEW`). {@see send()} with the configured operation (default `Website.CreateOrder`).
     *
     * @param array<string, mixed> $body
     * @param array{deviceUUID?: string, customerIp?: string, transactionId?: string, endpoint?: 'sync'|'async', orderingKey?: string|int, hold?: array{key: string, amount: float|int}, delay?: float|int, snapshot?: array{key: string, value: array<array-key, mixed>}}|null $options
     * @return string The transactionId.
     * @throws MindboxInvalidArgumentException
     * @throws MindboxOutboxException
     */
    public function createOrder(array $body, ?array $options = null): string;

    /**
     * A change of an order: status, lines, prices. {@see send()} with the configured operation (default `Website.UpdateOrder`).
     *
     * @param array<string, mixed> $body
     * @param array{deviceUUID?: string, customerIp?: string, transactionId?: string, endpoint?: 'sync'|'async', orderingKey?: string|int, hold?: array{key: string, amount: float|int}, delay?: float|int, snapshot?: array{key: string, value: array<array-key, mixed>}}|null $options
     * @return string The transactionId.
     * @throws MindboxInvalidArgumentException
     * @throws MindboxOutboxException
     */
    public function updateOrder(array $body, ?array $options = null): string;

    /**
     * A new customer (`OnAfterUserRegister` / `OnAfterUserAdd`). {@see send()} with the configured operation (default `Website.Register`).
     *
     * @param array<string, mixed> $body
     * @param array{deviceUUID?: string, customerIp?: string, transactionId?: string, endpoint?: 'sync'|'async', orderingKey?: string|int, hold?: array{key: string, amount: float|int}, delay?: float|int, snapshot?: array{key: string, value: array<array-key, mixed>}}|null $options
     * @return string The transactionId.
     * @throws MindboxInvalidArgumentException
     * @throws MindboxOutboxException
     */
    public function registerCustomer(array $body, ?array $options = null): string;

    /**
     * A profile change (`OnAfterUserUpdate`). {@see send()} with the configured operation (default `Website.UpdateProfile`).
     *
     * @param array<string, mixed> $body
     * @param array{deviceUUID?: string, customerIp?: string, transactionId?: string, endpoint?: 'sync'|'async', orderingKey?: string|int, hold?: array{key: string, amount: float|int}, delay?: float|int, snapshot?: array{key: string, value: array<array-key, mixed>}}|null $options
     * @return string The transactionId.
     * @throws MindboxInvalidArgumentException
     * @throws MindboxOutboxException
     */
    public function updateCustomer(array $body, ?array $options = null): string;

    /**
     * The whole cart, replacing the one Mindbox holds. {@see send()} with the configured operation (default `Website.SetCart`).
     *
     * @param array<string, mixed> $body
     * @param array{deviceUUID?: string, customerIp?: string, transactionId?: string, endpoint?: 'sync'|'async', orderingKey?: string|int, hold?: array{key: string, amount: float|int}, delay?: float|int, snapshot?: array{key: string, value: array<array-key, mixed>}}|null $options
     * @return string The transactionId.
     * @throws MindboxInvalidArgumentException
     * @throws MindboxOutboxException
     */
    public function setCart(array $body, ?array $options = null): string;

    /**
     * An e-mail subscription. {@see send()} with the configured operation (default `Website.SubscribeEmail`).
     *
     * @param array<string, mixed> $body
     * @param array{deviceUUID?: string, customerIp?: string, transactionId?: string, endpoint?: 'sync'|'async', orderingKey?: string|int, hold?: array{key: string, amount: float|int}, delay?: float|int, snapshot?: array{key: string, value: array<array-key, mixed>}}|null $options
     * @return string The transactionId.
     * @throws MindboxInvalidArgumentException
     * @throws MindboxOutboxException
     */
    public function subscribeEmail(array $body, ?array $options = null): string;

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
    public function flush(float $seconds = 10.0): array;

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
    public function outboxStats(): array;

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
    public function failedItems(int $limit = 100, int $afterId = 0): array;

    /**
     * Moves parked items back to pending with a fresh attempt budget (same transactionId).
     *
     * @param list<int>|null $ids Item ids from failedItems(); null retries them all.
     * @return int How many items were moved.
     * @throws MindboxInvalidArgumentException
     * @throws MindboxOutboxException
     */
    public function retryFailed(?array $ids = null): int;

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
    public function heldPoints(string $key): float;

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
    public function withdraw(string $transactionId): bool;

    /**
     * The snapshot stored under `$key` for this endpoint (by the `snapshot` option of {@see send()}
     * or by {@see saveSnapshot()}), with where the item that carried it stands now.
     *
     * A snapshot is what Mindbox was last told of something the shop keeps, such as an order's
     * lines, prices and statuses. It must hold no personal data (no names, phones, e-mails or
     * addresses): unlike an item it stays in the outbox after delivery, until
     * {@see forgetSnapshot()}.
     *
     * @param string $key 1 to 200 printable ASCII characters without spaces, e.g. `s1:order:42`.
     * @return array{value: array<array-key, mixed>, savedAt: int, itemId: int|null, transactionId: string|null, delivery: 'pending'|'failed'|'delivered'}|null
     *     Null when there is none. `value` as it was stored; `savedAt` in milliseconds since the
     *     epoch; `itemId` and `transactionId` of the item that carried it (its id now, or as it was
     *     once it is gone), null for a snapshot saved alone; `delivery` of that item: `pending`
     *     (pending, delayed, waiting for a retry or being sent), `failed` (parked: see
     *     {@see failedItems()}), `delivered` (gone from the outbox: Mindbox has it, or it was
     *     withdrawn; always for a snapshot saved alone).
     * @throws MindboxInvalidArgumentException A bad key (path `key`).
     * @throws MindboxOutboxException
     */
    public function snapshot(string $key): ?array;

    /**
     * Stores a snapshot with no item, replacing the key's: Mindbox knows this already (an order
     * saved with nothing to tell, or one known from before snapshots were kept). It holds no
     * personal data, as for {@see snapshot()}.
     *
     * @param string $key 1 to 200 printable ASCII characters without spaces.
     * @param array<array-key, mixed> $value At most 1 MiB as JSON.
     * @throws MindboxInvalidArgumentException A bad key or value (path `key`, `value…`).
     * @throws MindboxOutboxException
     */
    public function saveSnapshot(string $key, array $value): void;

    /**
     * Removes the snapshot stored under `$key` (an order deleted), if there is one.
     *
     * @param string $key 1 to 200 printable ASCII characters without spaces.
     * @throws MindboxInvalidArgumentException A bad key (path `key`).
     * @throws MindboxOutboxException
     */
    public function forgetSnapshot(string $key): void;

    /**
     * Sends one CSV file to Mindbox's bulk import (a history import's part):
     * `POST {baseUrl}/v3/operations/bulk?endpointId=…&operation=…&transactionId=…&csvCodePage=65001
     * &csvColumnDelimiter=…&csvTextQualifier=…` plus `query`, the body streamed from the file with its
     * length, `Content-Type: text/csv;charset=utf-8`, and `Content-Encoding: gzip` when the file starts
     * with gzip's magic bytes. Mindbox makes an import task of it, asynchronously.
     *
     * At most `bulkImportsPerHour` imports go in a rolling hour, counted in the outbox for every
     * process and node that shares it: a slot is taken before the request (a repeated transactionId
     * takes one too), and given back only when Mindbox answers 429. What cannot go now is deferred,
     * with `retryAt` (Unix time) to try again with the same transactionId: `budget` (the hour's slots
     * are taken; when the oldest frees), `tooManyRequests` (Mindbox answered 429, to this import or
     * lately to another: every process waits until its Retry-After, else until the oldest slot frees
     * and a minute at least), `unavailable` (5xx, a timeout, no connection: 30 s after the
     * transactionId's first such attempt, doubling up to 30 minutes, with jitter).
     *
     * @param string $operation The project's import, e.g. `DirectCrm.Customers.Import`, `RetailOrder.Import`.
     * @param string $file A CSV file (or gzip of one) of at most 200,000,000 bytes.
     * @param string $transactionId The part's own GUID, stored before the first attempt and kept for every resend.
     * @param array{query?: array<string, string|int>, delimiter?: string, qualifier?: string, timeout?: float|int}|null $options
     *     `query` more parameters (e.g. `segment`), not those above; `delimiter` (default `;`) and
     *     `qualifier` (default `"`) one ASCII character each, as the file was written; `timeout` of
     *     the whole request in seconds (default 300, at most 3600).
     * @return array{status: 'sent', transactionId: string, alreadyProcessed: bool, answer: array<string, mixed>}|array{status: 'deferred', transactionId: string, reason: 'budget'|'tooManyRequests'|'unavailable', retryAt: int, httpStatus: int, message: string}
     *     `sent` once Mindbox has it: a new task, or (`alreadyProcessed`) the transactionId's earlier one.
     *     `httpStatus` of a deferral is that of this attempt's answer, 0 when nothing was sent or nothing came back.
     * @throws MindboxInvalidArgumentException A bad operation, a transactionId that is not a GUID, a file
     *     missing, unreadable, empty or over 200,000,000 bytes, bad options, or no outbox configured
     *     (path `operation`, `transactionId`, `file`, `options.…`, `config.outbox`); nothing was sent.
     * @throws MindboxValidationException Mindbox answered ValidationError.
     * @throws MindboxProtocolException Mindbox refused the import (400, 401, 403, 404, 413, …): it is not
     *     sent again by itself.
     * @throws MindboxOutboxException The budget's store cannot be read or written.
     */
    public function importBulk(string $operation, string $file, string $transactionId, ?array $options = null): array;
}
