<?php

namespace Rustbox\Mindbox\Feed;

/**
 * The offer ids written so far, to leave out a second offer with the same id (two elements sharing an XML_ID, an
 * OnGetProductId handler mapping two to one, an SKU moved to another product between two steps of a run) instead of
 * failing the whole feed on it. A PHP array of a million ids would take about a hundred megabytes; this keeps a 64-bit
 * hash of each in an open-addressing table in one string, 16 bytes an id. Two different ids sharing a hash (odds of
 * about 1 in 10^7 for a million offers) would cost the second one its place in the feed.
 */
final class SeenIds
{
    private string $table;
    private int $mask;
    private int $count = 0;

    /** @param int $expected how many ids at most will be added */
    public function __construct(int $expected)
    {
        $slots = 1024;
        while ($slots < 2 * $expected) {
            $slots *= 2;
        }
        $this->table = str_repeat("\0", 8 * $slots);
        $this->mask = $slots - 1;
    }

    /** Adds the id; false when it was there already. */
    public function add(string $id): bool
    {
        $hash = hash('xxh64', $id, true);
        if ($hash === "\0\0\0\0\0\0\0\0") {
            $hash = "\0\0\0\0\0\0\0\1";
        }
        if (2 * ($this->count + 1) > $this->mask + 1) {
            $this->grow();
        }
        return $this->put($hash);
    }

    private function put(string $hash): bool
    {
        for ($slot = unpack('J', $hash)[1] & $this->mask; ; $slot = ($slot + 1) & $this->mask) {
            $stored = substr($this->table, 8 * $slot, 8);
            if ($stored === $hash) {
                return false;
            }
            if ($stored === "\0\0\0\0\0\0\0\0") {
                for ($i = 0; $i < 8; $i++) {
                    $this->table[8 * $slot + $i] = $hash[$i];
                }
                $this->count++;
                return true;
            }
        }
    }

    /** More ids than expected: twice the slots, the hashes put again. */
    private function grow(): void
    {
        $old = $this->table;
        $this->table = str_repeat("\0", 2 * strlen($old));
        $this->mask = 2 * $this->mask + 1;
        $this->count = 0;
        foreach (str_split($old, 8) as $hash) {
            if ($hash !== "\0\0\0\0\0\0\0\0") {
                $this->put($hash);
            }
        }
    }
}
