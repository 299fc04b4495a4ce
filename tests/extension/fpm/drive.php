<?php

declare(strict_types=1);

// One of FpmTest's concurrent clients: requests n = FROM..TO-1 one after another, prints each answer.

require dirname(__DIR__, 2) . '/support/fpm/FastCgi.php';

[, $port, $from, $to] = $argv;
for ($n = (int) $from; $n < (int) $to; $n++) {
    $answer = MindboxTests\Support\FastCgi::get('127.0.0.1', (int) $port, __DIR__ . '/send.php', "n=$n");
    echo trim($answer['body']), "\n";
}
