<?php

// A stub of the mindbox extension (php-stubs/mindbox.php loads them all).

/**
 * Writes Mindbox's product feed (YML: `yml_catalog` → `shop` → `currencies`, `categories`,
 * `offers`) in constant memory, to a temporary file beside `$path` that replaces `$path` in one
 * rename at {@see finish()}: until then, and after any exception, the previous feed stays as it
 * was. Call the sections in order: `shop()` once, then `currencies()`, `categories()` and
 * `offers()`, each as many times as you like, then `finish()`.
 *
 * Any exception closes the writer and removes its file; open a new one to start again. So does
 * {@see abort()}, and so does dropping the object without `finish()`.
 *
 * The file is written on a thread of the writer's own while the next batch is made; a process
 * forked from the one that opened the writer cannot continue its feed (a `MindboxException`).
 */
final class MindboxFeedWriter
{
    /**
     * @param string $path The feed's file, e.g. the site's `upload/mindbox/<token>/feed.yml.gz`;
     *     its directory must exist. A new file gets mode 0644, a replaced one keeps its mode.
     * @param array{gzip?: bool}|null $options `gzip` (default false): write it gzip-compressed.
     * @throws MindboxInvalidArgumentException A bad option (`options.gzip`).
     * @throws MindboxException The file cannot be created (the message names it and the OS error).
     */
    public function __construct(string $path, ?array $options = null) {}

    /**
     * @param array{name: string, company: string, url: string} $shop
     * @throws MindboxInvalidArgumentException A missing or bad field (`shop.url`), or a second call.
     * @throws MindboxException The file cannot be written.
     */
    public function shop(array $shop): void {}

    /**
     * @param list<array{id: string, rate: int|float|string}> $currencies Rates are written as
     *     given (80.5 stays 80.5).
     * @throws MindboxInvalidArgumentException E.g. `currencies[1].id` (a duplicate).
     * @throws MindboxException The file cannot be written.
     */
    public function currencies(array $currencies): void {}

    /**
     * @param list<array{id: string|int, parentId?: string|int|null, name: string}> $categories
     * @throws MindboxInvalidArgumentException E.g. `categories[3].name`, or a duplicate id.
     * @throws MindboxException The file cannot be written.
     */
    public function categories(array $categories): void {}

    /**
     * A batch of offers; keys are the YML element names. An id longer than 200 characters skips
     * the offer (counted in the summary); a description longer than 10,000 is cut at a character
     * boundary (counted). Text is escaped, and characters XML forbids are removed.
     *
     * @param array<array{
     *     id: string|int,
     *     available?: bool,
     *     group_id?: string|int|null,
     *     url?: string|null,
     *     price?: int|float|string|null,
     *     oldprice?: int|float|string|null,
     *     currencyId?: string|null,
     *     categoryId: string|int|list<string|int>,
     *     picture?: string|list<string>|null,
     *     name?: string|null,
     *     vendor?: string|null,
     *     vendorCode?: string|int|null,
     *     description?: string|null,
     *     param?: array<string, string|int|float|bool|list<string|int|float>>
     * }> $offers `available` defaults to true (write false for inactive and out-of-stock
     *     products: Mindbox wants them in the feed); `group_id` is an SKU's product; prices are
     *     rounded to kopecks and need a `currencyId` among the currencies written; every
     *     `categoryId` must be a category written; `oldprice` only while there is a discount (an
     *     absent field is erased in Mindbox); `param` is name => value, a list joined with `|`.
     * @throws MindboxInvalidArgumentException Naming the offer and field, e.g.
     *     `offers[3].categoryId` (an unknown category) or `offers[5].id` (a duplicate).
     * @throws MindboxException The file cannot be written.
     */
    public function offers(array $offers): void {}

    /**
     * Completes the file, flushes it to disk and renames it over `$path`.
     *
     * @return array{path: string, offers: int, categories: int, skipped: array{idTooLong: int}, descriptionsCut: int, bytes: int, seconds: float}
     * @throws MindboxInvalidArgumentException Before `categories()`, or the writer is closed.
     * @throws MindboxException The file cannot be completed or renamed; the previous feed stays.
     */
    public function finish(): array {}

    /** Drops the new feed; the previous one stays. */
    public function abort(): void {}
}
