<?php

// A stub of the mindbox extension (php-stubs/mindbox.php loads them all).

/**
 * Writes the CSV files of a Mindbox bulk import (`/v3/operations/bulk`): UTF-8 without a BOM,
 * CRLF line ends, the header row (the column names) first in every part, RFC 4180 quoting (a
 * field is qualified when it holds the delimiter or the qualifier, or begins or ends with a
 * space; the qualifier is doubled inside). Rows come in batches that stay together in one part
 * (a page of whole orders); the parts are cut under a size and a row count. A part is written
 * to a hidden temporary name (`.{prefix}-NNNN.csv.tmp`) and renamed when it is sealed, with a
 * fresh GUID to send it under: store the part and its transactionId at once, before sending
 * it, so that a resend after a crash is the same import. Memory holds one batch, whatever the
 * number of rows.
 *
 * Resuming after a killed run: open the writer at the first part not recorded as sealed
 * (`part`); what the killed run left of that part is replaced. Carrying a part on over several
 * processes (steps of an agent or an admin page, each writing a few pages): end a step with
 * {@see checkpoint()} and store what it returns with the records read so far; open the next
 * step's writer with it as `resume`, and read on from the stored records. The parts hold
 * customers' personal data: files are 0600 (0660 in a group-writable directory), and the directory must
 * not be writable by other users.
 */
final class MindboxCsvWriter
{
    /**
     * Opens part `$options['part']` as `{$directory}/{$prefix}-{NNNN}.csv` (`.csv.gz` with
     * gzip) and writes its header row.
     *
     * @param string $directory Created (0750) when it is missing.
     * @param string $prefix 1 to 100 letters, digits, `_`, `-` or `.` (not first), e.g. `orders`.
     * @param array<string, 'text'|'money'|'quantity'|'phone'|'email'|'integer'|'boolean'>|list<string> $columns
     *     Column name => kind, or a list of names (all `text`). `money` and `quantity` go by the
     *     rule the API's bodies go by (never negative; 2 and 3 decimals, rounded half away from
     *     zero; a comma taken for the point) and are written as the API writes them (`1299.5`);
     *     `phone` by {@see MindboxClient::normalizePhone()}'s rule (a junk phone leaves the field
     *     empty, never the row); `email` trimmed; `integer` a whole number (or its text);
     *     `boolean` true/false (or 1/0, 'true'/'false'), written `true`/`false`; `text` as given
     *     (numbers in plain decimal, booleans `true`/`false`).
     * @param array{
     *     part?: int,
     *     maxBytes?: int,
     *     maxRows?: int,
     *     gzip?: bool,
     *     delimiter?: string,
     *     qualifier?: string,
     *     control?: 'replace'|'refuse',
     *     resume?: array{part: int, rows: int, bytes: int, gzip: bool, crc: int, plainBytes: int}|null
     * }|null $options `part` (default 1; with `resume`, its part); `maxBytes` (default 150,000,000): no part is larger, its
     *     header included (with gzip: the compressed file; the plain text is then bounded by
     *     `maxRows` only); `maxRows` (default 1,000,000, the header not counted); `gzip` (default
     *     false); `delimiter` (default `;`) and `qualifier` (default `"`): one ASCII punctuation
     *     character other than `-`, `+` and `.` (the delimiter may be a TAB), different;
     *     `control`: control characters (CR, LF and TAB among them) in a text become a space
     *     (`replace`, the default) or refuse the batch (`refuse`); `resume`: a checkpoint,
     *     whole, to carry its part on from (give the same columns and options as its writer had);
     *     whatever was written into the part after the checkpoint is cut off.
     * @throws MindboxInvalidArgumentException A bad column, kind, option or prefix, named by its
     *     path (`columns.Total`, `options.maxBytes`); `maxBytes` smaller than the header row; a
     *     checkpoint that is not one, or whose part, gzip or size disagrees with the options.
     * @throws MindboxException The directory is unusable or the part cannot be created (the
     *     message names the path and the OS error); the checkpoint's part is gone or shorter
     *     than the checkpoint (write the part again: open the writer at its `part`).
     */
    public function __construct(string $directory, string $prefix, array $columns, ?array $options = null) {}

    /**
     * Writes a batch of rows that stay together in one part. When the batch does not fit in the
     * current part (bytes or rows) and that part has rows, the part is sealed first and the
     * batch starts the next one.
     *
     * @param array<list<string|int|float|bool|null>|array<string, string|int|float|bool|null>> $rows
     *     Each row a list (one value for each column, in order) or column => value (a missing
     *     column is empty). null and '' are an empty field.
     * @return list<array{part: int, path: string, rows: int, bytes: int, transactionId: string}>
     *     The part this call sealed, if any (bytes: the file's size, compressed with gzip).
     * @throws MindboxInvalidArgumentException Nothing of the batch is written, and the writer goes
     *     on: a bad value, named by the row (its key in the batch) and the column, e.g.
     *     `rows[3].OrderLinePriceOfLine` (invalid UTF-8, an array, an object, a negative amount, a
     *     control character under `refuse`), an unknown column, a list of the wrong length; or a
     *     batch that alone exceeds a part's limits (the message gives its size and the limit).
     * @throws MindboxException A part cannot be written (a full disk): the writer closes, and the
     *     unsealed part is removed (or replaced by the next writer opened at its number).
     */
    public function write(array $rows): array {}

    /**
     * Seals the last part. The writer is closed after.
     *
     * @return array{part: int, path: string, rows: int, bytes: int, transactionId: string}|null
     *     The part, or null when it has no rows (then no file is left).
     * @throws MindboxInvalidArgumentException The writer is closed.
     * @throws MindboxException The part cannot be completed or renamed.
     */
    public function finish(): ?array {}

    /**
     * Makes the unsealed part durable as it stands (fdatasync) and keeps its file when the writer
     * is dropped. The writer goes on.
     *
     * @return array{part: int, rows: int, bytes: int, gzip: bool, crc: int, plainBytes: int}|null
     *     What the `resume` option takes, or null while the part has no rows.
     * @throws MindboxInvalidArgumentException The writer is closed.
     * @throws MindboxException The part cannot be flushed (the writer closes).
     */
    public function checkpoint(): ?array {}

    /**
     * Closes the writer and removes the unsealed part, checkpoint or not; dropping the object
     * removes it too unless a checkpoint stands in it.
     */
    public function abort(): void {}
}
