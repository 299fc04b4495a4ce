<?php

declare(strict_types=1);

// FpmTakeoverTest's traffic: requests n = FROM, FROM+1, … every INTERVAL ms until the STOP file appears, each
// printed when answered. A request PHP-FPM cannot take (it is being restarted) is tried again.

require dirname(__DIR__, 2) . '/support/fpm/FastCgi.php';

[, $port, $from, $interval, $stop] = $argv;
for ($n = (int) $from; !file_exists($stop); $n++) {
    $body = MindboxTests\Support\FastCgi::answered((int) $port, __DIR__ . '/send.php', "n=$n", 200);
    if ($body === null) {
        fwrite(STDERR, "request $n was never answered\n");
        exit(1);
    }
    echo $body, "\n";
    usleep((int) $interval * 1000);
}
