<?php

declare(strict_types=1);

if (extension_loaded('mindbox')) {
    fwrite(STDERR, "Run the stubs-only suite WITHOUT the mindbox extension\n");
    exit(1);
}

require __DIR__ . '/../../../php-stubs/mindbox.php';
