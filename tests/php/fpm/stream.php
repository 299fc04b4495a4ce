<?php

declare(strict_types=1);

// FpmTakeoverTest's traffic: requests n = FROM, FROM+1, … every INTERVAL ms until the STOP file appears, each
// printed when answered. A request PHP-FPM cannot take (it is being restarted) is tried again.

require __DIR__ . '/../Support/FastCgi.php';

[, $port, $from, $interval, $stop] = $argv;
for ($n = (int) $from; !file_exists($stop); $n++) {
    for ($try = 0; ; $try++) {
        try {
            $answer = MindboxTests\Support\FastCgi::get('127.0.0.1', (int) $port, __DIR__ . '/send.php', "n=$n", 10.0);
            if (str_contains($answer['body'], '"ids"')) {
                break;
            }
        } catch (RuntimeException) {
        }
        if ($try > 200) {
            fwrite(STDERR, "request $n was never answered\n");
            exit(1);
        }
        usleep(20_000);
    }
    echo trim($answer['body']), "\n";
    usleep((int) $interval * 1000);
}
