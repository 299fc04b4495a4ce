<?php

declare(strict_types=1);

/** 8. The product feed: throughput and peak memory of each way of writing it, at each catalogue size. */

/** Mindbox's feed at a million offers in at most this much memory, in decimal MB like the other memory rows. */
const REPORT_FEED_MEMORY_MB = 64;

/** What the extension must do against the official modules' DOM way. */
const REPORT_FEED_TIMES_DOM = 10;

/** The ways' rows, in the order they are printed; the DOM way is the one the others are compared with. */
const REPORT_FEED_WAYS = [
    'gen' => 'the offers made alone in PHP (the generator every way shares; no feed)',
    'dom' => "DOMDocument of the whole catalogue, saved once (the official modules' way)",
    'xmlwriter' => "PHP's XMLWriter streaming to the file, flushed a batch",
    'ext' => "the extension's MindboxFeedWriter, offers() a batch",
];

function offers_rate(?float $v): string
{
    return $v === null ? '—' : number_format($v) . ' offers/s';
}

function report_feed_rows(ReportTable $t): void
{
    $sizes = $t->config['feedOffers'] ?? [];
    foreach ($sizes as $n) {
        report_feed_speed_rows($t, (int)$n);
    }
    foreach ($sizes as $n) {
        report_feed_memory_rows($t, (int)$n, (int)$sizes[0]);
    }
}

/**
 * The DOM way's rate at a size: null when it was not measured; when it did not finish, its rate until it stopped
 * (without its save, so kinder to it than a whole run) and true as the second element.
 *
 * @return array{0: ?float, 1: bool}
 */
function report_feed_dom_rate(ReportTable $t, int $n): array
{
    $dom = $t->get("feed:dom:$n");
    if ($dom === null) {
        return [null, false];
    }
    if ($dom['finished']) {
        return [$dom['writeRate'], false];
    }
    $seconds = $dom['writeSeconds'] ?? 0;
    return [$seconds > 0 && $dom['offers'] > 0 ? $dom['offers'] / $seconds : null, true];
}

function report_feed_speed_rows(ReportTable $t, int $n): void
{
    [$domRate, $domPartial] = report_feed_dom_rate($t, $n);
    foreach (REPORT_FEED_WAYS as $way => $title) {
        $r = $t->get("feed:$way:$n");
        if ($r === null) {
            continue;
        }
        $what = sprintf('product feed, %s offers, throughput: %s', number_format($n), $title);
        if (!$r['finished']) {
            $t->row("$what — did not finish: {$r['stopped']}", '', 'did not finish', '—', '—');
            continue;
        }
        $speed = $way === 'gen' ? $r['generateRate'] : $r['writeRate'];
        $vs = match (true) {
            $way === 'gen' => '—',
            $way === 'dom' => '1×',
            default => $domRate ? compare($speed / $domRate, 'faster', 'slower') . ($domPartial ? " (the DOM way's rate until it stopped)" : '') : '—',
        };
        if ($way === 'ext') {
            $ratio = $domRate ? $speed / $domRate : null;
            $t->row($what, '', offers_rate($speed), '—', $vs, sprintf("≥ %d× the DOM way's", REPORT_FEED_TIMES_DOM), $ratio === null ? '—' : verdict($ratio >= REPORT_FEED_TIMES_DOM, times($ratio) . ' the DOM way'));
        } else {
            $t->row($what, '', offers_rate($speed), '—', $vs);
        }
    }
}

/** Peak memory of each way's process; the extension's against the ceiling, and its growth from the smallest size. */
function report_feed_memory_rows(ReportTable $t, int $n, int $smallest): void
{
    $domHwm = $t->get("feed:dom:$n", 'hwmKiB');
    foreach (REPORT_FEED_WAYS as $way => $title) {
        $r = $t->get("feed:$way:$n");
        if ($r === null || !isset($r['hwmKiB'])) {
            continue;
        }
        $what = sprintf(
            'product feed, %s offers, peak memory (VmHWM; PHP\'s heap %s): %s%s',
            number_format($n),
            mb($r['phpPeakBytes'] / 1024),
            $title,
            $r['finished'] ? '' : ' — when it was stopped'
        );
        $vs = match (true) {
            $way === 'gen' => '—',
            $way === 'dom' => '1×',
            default => $domHwm ? compare($domHwm / $r['hwmKiB'], 'less memory', 'more memory') : '—',
        };
        if ($way !== 'ext') {
            $t->row($what, '', mb($r['hwmKiB']), '—', $vs);
            continue;
        }
        $first = $t->get("feed:ext:$smallest", 'hwmKiB');
        if ($n !== $smallest && $first !== null) {
            $what .= sprintf('; %s from %s offers', plus_mb($r['hwmKiB'] - $first), number_format($smallest));
        }
        $limit = REPORT_FEED_MEMORY_MB * 1e6 / 1024;
        $t->row(
            $what,
            '',
            mb($r['hwmKiB']),
            '—',
            $vs,
            sprintf('≤ %d MB (1,000,000 offers), flat in the catalogue\'s size', REPORT_FEED_MEMORY_MB),
            verdict($r['finished'] && $r['hwmKiB'] <= $limit, $r['finished'] ? over($r['hwmKiB'], $limit) : 'did not finish')
        );
    }
}

/** How the feed rows were measured, when the run has them. */
function report_feed_notes(ReportTable $t): array
{
    if (preg_grep('/^feed:/', array_keys($t->scenarios)) === []) {
        return [];
    }
    $check = $t->get('feed:check', 'offers');
    return ['', sprintf(
        'Feed rows: the same offers for every way, made in PHP in batches of %s by one deterministic generator (bench/feed/offers.php: names in Cyrillic with an emoji and & < > characters, a description of about 500 characters with markup, two categoryIds, a picture, a URL with a query string, a price and on every second offer an oldprice, three params, every third offer an SKU with group_id). '
        . 'Each way runs in a fresh PHP process of its own (bench/feed.php), all of them with the extension loaded so that they differ in the way alone. '
        . 'Throughput: the offers over the time spent in the way\'s own calls (its start, every batch, and finish() or save()); the generator\'s calls are timed apart in the same process and subtracted, and its rate alone is its own row. '
        . 'The extension\'s finish() includes its fsync of the file and the rename; the DOM and XMLWriter ways leave their file in the page cache. '
        . 'Peak memory: VmHWM of /proc/self/status at the end, the whole process\'s peak resident memory (libxml\'s DOM nodes and the extension\'s own allocations are not in PHP\'s heap, whose peak, memory_get_peak_usage(true), is given beside it); the generator alone is the baseline every way adds to. '
        . 'A way is stopped, and its row says so, once the machine has less than %d %% of its memory (at least 1 GiB) left, rather than left to the kernel\'s OOM killer. '
        . '%s',
        number_format((int)($t->config['feedBatch'] ?? 0)),
        (int)round(100 * ($t->config['feedReserveShare'] ?? 0)),
        $check === null
            ? 'The check that the ways write the same feed did not run in this run.'
            : sprintf('Before the measurements the ways wrote %s offers each and the files were read back with XMLReader and compared element by element (escaped text and CDATA alike; the date aside): the benchmark stops on any difference.', number_format((int)$check))
    )];
}
