<?php

declare(strict_types=1);

/**
 * The benchmark's guard: the ways must write the same feed, or their speeds compare different work. A feed is read
 * back as Mindbox's parser sees it (escaped text and CDATA alike, the whitespace between elements ignored), and the
 * files compared line by line; the catalogue's date is left out, as the clock gives it.
 */

/**
 * The feed at $path as one line per element (its depth, name and attributes in name order) and per text.
 *
 * @return list<string>
 */
function bench_feed_canonical(string $path): array
{
    $reader = new XMLReader();
    $previous = libxml_use_internal_errors(true);
    try {
        if (!$reader->open($path)) {
            bench_fail("cannot read the feed $path");
        }
        $lines = [];
        while ($reader->read()) {
            $indent = str_repeat(' ', $reader->depth);
            if ($reader->nodeType === XMLReader::ELEMENT) {
                $attributes = [];
                while ($reader->moveToNextAttribute()) {
                    $attributes[$reader->name] = $reader->value;
                }
                $reader->moveToElement();
                if ($reader->name === 'yml_catalog') {
                    unset($attributes['date']);
                }
                ksort($attributes);
                $lines[] = $indent . '<' . $reader->name . ($attributes === [] ? '' : ' ' . json_encode($attributes, JSON_UNESCAPED_UNICODE));
            } elseif (in_array($reader->nodeType, [XMLReader::TEXT, XMLReader::CDATA], true)) {
                $lines[] = $indent . json_encode($reader->value, JSON_UNESCAPED_UNICODE);
            }
        }
        $errors = libxml_get_errors();
        if ($errors !== []) {
            bench_fail(sprintf('the feed %s is not well-formed XML: line %d: %s', $path, $errors[0]->line, trim($errors[0]->message)));
        }
        return $lines;
    } finally {
        $reader->close();
        libxml_clear_errors();
        libxml_use_internal_errors($previous);
    }
}

/**
 * Fails the benchmark unless every feed reads as the first one does and holds $offers offers.
 *
 * @param array<string, string> $paths the feeds by way
 */
function bench_feed_check_equal(array $paths, int $offers): void
{
    $reference = null;
    $first = '';
    foreach ($paths as $way => $path) {
        $lines = bench_feed_canonical($path);
        $count = count(preg_grep('/^ {3}<offer /', $lines));
        if ($count !== $offers) {
            bench_fail("the $way way wrote $count offers of $offers");
        }
        if ($reference === null) {
            [$reference, $first] = [$lines, $way];
            continue;
        }
        foreach ($reference as $i => $line) {
            if (($lines[$i] ?? null) !== $line) {
                bench_fail(sprintf("the %s way's feed differs from the %s way's at its item %d:\n  %s: %s\n  %s: %s", $way, $first, $i, $first, $line, $way, $lines[$i] ?? '(the end)'));
            }
        }
        if (count($lines) !== count($reference)) {
            bench_fail(sprintf("the %s way's feed has %d items, the %s way's %d", $way, count($lines), $first, count($reference)));
        }
    }
}
