<?php

declare(strict_types=1);

// ClusterTest's traffic: requests n = FROM, FROM+1, … every INTERVAL ms until the STOP file appears, each to the
// node (port) n takes in turn, two consecutive requests about the same customer and order (k = n / 2): the events
// of one key come from both nodes. A request a node cannot take now (restarting, its database away) is tried again
// on the same node, with the same events. Each answer is printed with its node.

require dirname(__DIR__, 2) . '/support/fpm/FastCgi.php';

[, $ports, $from, $interval, $stop] = $argv;
$ports = array_map('intval', explode(',', $ports));
for ($n = (int) $from; !file_exists($stop); $n++) {
    $port = $ports[$n % count($ports)];
    $k = intdiv($n, 2);
    $body = MindboxTests\Support\FastCgi::answered($port, __DIR__ . '/send.php', "n=$n&k=$k", 500);
    if ($body === null) {
        fwrite(STDERR, "request $n was never answered\n");
        exit(1);
    }
    echo json_encode(['n' => $n, 'k' => $k, 'port' => $port] + json_decode($body, true)), "\n";
    usleep((int) $interval * 1000);
}
