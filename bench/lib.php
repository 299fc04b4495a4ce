<?php

declare(strict_types=1);

/**
 * Shared by the benchmark scripts: arguments, bodies, timers, statistics, the emulator's control
 * API. Everything here talks only to loopback addresses.
 */

require_once __DIR__ . '/lib/worker.php';
require_once __DIR__ . '/lib/mix.php';
require_once __DIR__ . '/lib/procfs.php';
require_once __DIR__ . '/lib/emulator.php';
require_once __DIR__ . '/lib/outbox.php';
require_once __DIR__ . '/lib/stats.php';
