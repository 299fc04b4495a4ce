<?php

declare(strict_types=1);

/** How the report writes its figures. */

function ms(?float $v): string
{
    if ($v === null) {
        return '—';
    }
    if ($v < 0.1) {
        return sprintf('%.4f ms', $v);
    }
    if ($v < 10) {
        return sprintf('%.3f ms', $v);
    }
    return sprintf('%.1f ms', $v);
}

function rate(?float $v): string
{
    return $v === null ? '—' : number_format($v, $v < 1000 ? 1 : 0) . ' /s';
}

function secs(?float $v): string
{
    return $v === null ? '—' : sprintf('%.1f s', $v);
}

/** A duration: milliseconds under a second, else seconds. */
function duration(?float $seconds): string
{
    return $seconds !== null && $seconds < 1 ? ms(1000 * $seconds) : secs($seconds);
}

function mb(?float $kib): string
{
    return $kib === null ? '—' : sprintf('%.1f MB', $kib * 1024 / 1e6);
}

function times(?float $v): string
{
    if ($v === null || !is_finite($v)) {
        return '—';
    }
    return ($v >= 100 ? number_format($v, 0) : sprintf($v < 1 ? '%.2f' : '%.1f', $v)) . '×';
}

/** "3.2× faster" when the ratio is at least 1, else "1.5× slower": never "0.7× faster". */
function compare(?float $ratio, string $better, string $worse): string
{
    if ($ratio === null || !is_finite($ratio) || $ratio <= 0) {
        return '—';
    }
    return $ratio >= 1 ? times($ratio) . " $better" : times(1 / $ratio) . " $worse";
}

/**
 * A target's verdict: "met" or "**missed**" with by how much.
 */
function verdict(bool $met, string $by = ''): string
{
    return $met ? 'met' : '**missed**' . ($by !== '' ? " ($by)" : '');
}

/** Over a ceiling: by how much, as "2.3× the target" (or "+40% over" when closer). */
function over(float $value, float $limit): string
{
    return $value >= 2 * $limit ? sprintf('%.1f× the target', $value / $limit) : sprintf('+%.0f%% over', 100 * ($value / $limit - 1));
}

/** "+1.2 MB" */
function plus_mb(?float $kib): string
{
    return $kib === null ? '—' : sprintf('%+.1f MB', $kib * 1024 / 1e6);
}
