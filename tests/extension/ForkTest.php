<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxTests\Support\EmulatorTestCase;

/**
 * pcntl_fork() at any moment, while the parent's delivery threads drain a backlog and hold their locks: every child
 * can send and deliver at once, with the client object it inherited, and nothing is lost or processed twice.
 */
final class ForkTest extends EmulatorTestCase
{
    private const CHILDREN = 20;

    public function testChildrenForkedWhileABacklogDrainsSendAndDeliver(): void
    {
        if (!function_exists('pcntl_fork')) {
            self::markTestSkipped('the pcntl extension is not loaded');
        }
        self::emulator()->faults(['latencyMs' => 5]);
        $client = $this->client(['retryDelay' => 0.05, 'retryMaxDelay' => 0.3]);
        $sent = [];
        for ($n = 0; $n < 300; $n++) {
            $sent[] = $client->setCart(['customer' => ['ids' => ['websiteID' => "p$n"]], 'productList' => []]);
        }
        $children = [];
        $results = [];
        for ($c = 0; $c < self::CHILDREN; $c++) {
            usleep(random_int(0, 30_000));
            $result = $this->tempPath("child-$c");
            $results[$c] = $result;
            $pid = pcntl_fork();
            if ($pid === 0) {
                $ids = [];
                for ($n = 0; $n < 5; $n++) {
                    $ids[] = $client->setCart(['customer' => ['ids' => ['websiteID' => "c$c-$n"]], 'productList' => []]);
                }
                $flush = $client->flush(10.0);
                file_put_contents($result, json_encode(['ids' => $ids, 'reason' => $flush['reason']]));
                // No PHPUnit shutdown in the child; the extension's own shutdown still runs.
                posix_kill(getmypid(), SIGKILL);
            }
            self::assertGreaterThan(0, $pid, 'fork');
            $children[$c] = $pid;
        }
        foreach ($children as $c => $pid) {
            $deadline = microtime(true) + 20;
            while (pcntl_waitpid($pid, $status, WNOHANG) === 0) {
                if (microtime(true) > $deadline) {
                    posix_kill($pid, SIGKILL);
                    self::fail("child $c hung");
                }
                usleep(20_000);
            }
            $answer = json_decode((string) @file_get_contents($results[$c]), true);
            self::assertIsArray($answer, "child $c sent and flushed");
            array_push($sent, ...$answer['ids']);
        }
        $deadline = microtime(true) + 60;
        while ($client->flush(2.0)['pending'] > 0 && microtime(true) < $deadline) {
            usleep(50_000);
        }
        $processed = array_column(self::emulator()->journal(['outcome' => 'processed']), 'transactionId');
        self::assertCount(300 + self::CHILDREN * 5, $sent);
        self::assertEqualsCanonicalizing($sent, array_values(array_unique($processed)), 'nothing lost');
        self::assertCount(count($processed), array_unique($processed), 'nothing processed twice');
    }
}
