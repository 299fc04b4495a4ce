<?php

namespace Rustbox\Mindbox\History;

/**
 * The parts of one entity as a step writes them: the extension's MindboxCsvWriter opened on the run's open part, and the
 * run's state kept in step with what the writer did. A part the writer seals is recorded with its transactionId at
 * once. A step ends with a checkpoint of the open part (the writer's, with the cursor and count of records read it
 * stands at), and the next step carries the part on from there, so parts fill as in one long run whatever the steps;
 * a part with no checkpoint, or whose checkpoint no longer holds, is written again from the record it began at, under
 * its number.
 */
final class PartWriter
{
    private readonly \MindboxCsvWriter $writer;
    /** Rows in the open part; while none, the part begins wherever the cursor is. */
    private int $openRows = 0;

    /** @param array<string, string> $columns */
    public function __construct(private readonly JobState $state, private readonly string $entity, array $columns)
    {
        $setup = $state->setup;
        $options = ['part' => $state->open['part'], 'maxBytes' => $setup['partBytes'], 'maxRows' => $setup['partRows'],
            'gzip' => $setup['gzip'][$entity]];
        $checkpoint = $state->open['checkpoint'] ?? null;
        if ($checkpoint !== null) {
            try {
                $this->writer = new \MindboxCsvWriter($setup['directory'], $entity, $columns, ['resume' => $checkpoint['at']] + $options);
                $state->cursor = $checkpoint['cursor'];
                $state->read[$entity] = $checkpoint['read'];
                $this->openRows = $checkpoint['at']['rows'];
                return;
            } catch (\MindboxException) {
                // The part's file is gone or cut short (a restored backup, a cleaned folder): written again below.
                unset($state->open['checkpoint']);
            }
        }
        $this->writer = new \MindboxCsvWriter($setup['directory'], $entity, $columns, $options);
        $state->cursor = $state->open['fromId'];
        $state->read[$entity] = $state->open['readBefore'];
    }

    /**
     * Writes a page: its rows together when they fit in a part, else record by record; never a record across parts.
     *
     * @param list<array{id: int, at: int, rows: list<array>}> $records the page's records that have rows, by ID, with
     *     their place among those it read
     * @param int $lastId the page's last id read; $count how many records it read
     */
    public function page(array $records, int $lastId, int $count): void
    {
        $rows = array_merge(...array_column($records, 'rows'));
        if ($rows !== [] && $this->fits($rows)) {
            $this->batch($rows, $this->state->cursor, $this->state->read[$this->entity]);
        } else {
            $before = $this->state->cursor;
            foreach ($records as $record) {
                $this->batch($record['rows'], $before, $this->state->read[$this->entity] + $record['at']);
                $before = $record['id'];
            }
        }
        $this->state->cursor = $lastId;
        $this->state->read[$this->entity] += $count;
        if ($this->openRows === 0) {
            $this->state->open = ['part' => $this->state->open['part'], 'fromId' => $lastId, 'readBefore' => $this->state->read[$this->entity]];
        }
    }

    /** Seals the open part (if it has rows) and records it; the next part begins where the cursor is. */
    public function finish(): void
    {
        $sealed = $this->writer->finish();
        if ($sealed !== null) {
            $this->record($sealed);
        }
        $this->state->open = ['part' => $this->state->open['part'] + ($sealed !== null ? 1 : 0), 'fromId' => $this->state->cursor,
            'readBefore' => $this->state->read[$this->entity]];
        $this->openRows = 0;
    }

    /** Ends the step: the open part (if it has rows) made durable where the cursor is, for the next step to carry on. */
    public function checkpoint(): void
    {
        $at = $this->writer->checkpoint();
        if ($at !== null) {
            $this->state->open['checkpoint'] = ['at' => $at, 'cursor' => $this->state->cursor, 'read' => $this->state->read[$this->entity]];
        }
    }

    /**
     * Drops what the step wrote into the open part: back to its checkpoint (the writer, dropped, leaves its file for it),
     * or, with none, the whole part, to be written again from where it began.
     */
    public function abort(): void
    {
        if (!isset($this->state->open['checkpoint'])) {
            $this->writer->abort();
        }
    }

    /**
     * @param int $fromId the id before the batch's first record, where a part it opens begins
     * @param int $readBefore records read before it
     */
    private function batch(array $rows, int $fromId, int $readBefore): void
    {
        $sealed = $this->writer->write($rows);
        foreach ($sealed as $part) {
            $this->record($part);
        }
        if ($sealed !== []) {
            $this->state->open = ['part' => end($sealed)['part'] + 1, 'fromId' => $fromId, 'readBefore' => $readBefore];
            $this->openRows = 0;
        }
        $this->openRows += count($rows);
    }

    /** @param array{part: int, path: string, rows: int, bytes: int, transactionId: string} $part */
    private function record(array $part): void
    {
        $this->state->parts[] = ['entity' => $this->entity, 'part' => $part['part'], 'file' => basename($part['path']),
            'rows' => $part['rows'], 'bytes' => $part['bytes'], 'transactionId' => $part['transactionId'],
            'state' => $this->state->setup['dryRun'] ? JobState::KEPT : JobState::SEALED];
        $this->state->rows[$this->entity] = ($this->state->rows[$this->entity] ?? 0) + $part['rows'];
    }

    /**
     * Whether a page's rows surely fit in a part: the writer refuses a batch larger than a part, so a page that may be
     * is written a record at a time. Its bytes are guessed from the values' lengths, doubled for quoting.
     */
    private function fits(array $rows): bool
    {
        if (count($rows) > $this->state->setup['partRows']) {
            return false;
        }
        $bytes = 0;
        foreach ($rows as $row) {
            foreach ($row as $value) {
                $bytes += strlen((string)$value) + 1;
            }
        }
        return 2 * $bytes + 4096 <= $this->state->setup['partBytes'];
    }
}
