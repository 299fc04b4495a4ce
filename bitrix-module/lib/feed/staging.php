<?php

namespace Rustbox\Mindbox\Feed;

/**
 * A run's work between requests, in its staging folder: `head.json` (the shop, currencies and categories read when the
 * run began) and `offers.jsonl`, one mapped offer per line. A step appends a page and then the run's state records the
 * file's new length; a step that died half-way left bytes past that length, which the next append cuts off, and
 * records() never reads past it. So a page is in the file exactly once, whatever was interrupted where. The feed's
 * own files are not touched here: until the writers' last rename the previous feed is what is served.
 */
final class Staging
{
    private const JSON = JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE | JSON_THROW_ON_ERROR;

    public function __construct(private readonly string $directory)
    {
    }

    /** A new run: the head kept, no offers yet. */
    public function begin(array $head): void
    {
        $this->write($this->directory . '/head.json', json_encode($head, self::JSON));
        $this->write($this->directory . '/offers.jsonl', '');
    }

    public function head(): array
    {
        $head = json_decode((string)@file_get_contents($this->directory . '/head.json'), true);
        if (!is_array($head)) {
            throw new FeedException(sprintf('The feed run\'s staging file %s/head.json is missing or damaged: start the run again', $this->directory));
        }
        return $head;
    }

    /**
     * Appends records after the first $length bytes (anything past them is dropped) and makes them durable.
     *
     * @param list<array> $records
     * @return int the file's length now, to pass to the next append and to records()
     */
    public function append(array $records, int $length): int
    {
        $lines = '';
        foreach ($records as $record) {
            $lines .= json_encode($record, self::JSON) . "\n";
        }
        $path = $this->directory . '/offers.jsonl';
        $file = @fopen($path, 'c');
        if ($file === false) {
            throw new FeedException(sprintf('Cannot open the feed run\'s staging file %s: %s', $path, error_get_last()['message'] ?? 'unknown error'));
        }
        try {
            if (!ftruncate($file, $length) || fseek($file, $length) !== 0 || fwrite($file, $lines) !== strlen($lines) || !fflush($file)) {
                throw new FeedException(sprintf('Cannot write the feed run\'s staging file %s (is the disk full?)', $path));
            }
            return $length + strlen($lines);
        } finally {
            fclose($file);
        }
    }

    /**
     * The records in the first $length bytes, in the order they were appended.
     *
     * @return \Generator<int, array>
     */
    public function records(int $length): \Generator
    {
        $path = $this->directory . '/offers.jsonl';
        $file = @fopen($path, 'r');
        if ($file === false) {
            throw new FeedException(sprintf('The feed run\'s staging file %s is missing: start the run again', $path));
        }
        try {
            $read = 0;
            while ($read < $length && ($line = fgets($file)) !== false) {
                $read += strlen($line);
                yield json_decode($line, true, 512, JSON_THROW_ON_ERROR);
            }
            if ($read < $length) {
                throw new FeedException(sprintf('The feed run\'s staging file %s is shorter than the run recorded: start the run again', $path));
            }
        } finally {
            fclose($file);
        }
    }

    /** Removes the run's files (a finished, failed or cancelled run). */
    public function remove(): void
    {
        foreach (['head.json', 'offers.jsonl'] as $name) {
            if (is_file($this->directory . '/' . $name)) {
                unlink($this->directory . '/' . $name);
            }
        }
    }

    private function write(string $path, string $contents): void
    {
        if (@file_put_contents($path, $contents) === false) {
            throw new FeedException(sprintf('Cannot write the feed run\'s staging file %s: %s', $path, error_get_last()['message'] ?? 'unknown error'));
        }
    }
}
