<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use MindboxTests\Support\Emulator;
use PHPUnit\Framework\TestCase;

/** demo/journey.php, run as the README runs it, against a fresh emulator. */
final class JourneyDemoTest extends TestCase
{
    public function testTheDemoPrintsEveryOperationOfTheJourney(): void
    {
        if (!extension_loaded('mindbox')) {
            $this->markTestSkipped('the mindbox extension is not loaded');
        }
        $emulator = Emulator::start();
        try {
            $command = sprintf(
                'MINDBOX_DEMO_BASE_URL=%s MINDBOX_DEMO_ENDPOINT=%s MINDBOX_DEMO_SECRET=%s %s -d extension=%s %s 2>&1',
                escapeshellarg($emulator->baseUrl()),
                escapeshellarg($emulator->endpointId()),
                escapeshellarg($emulator->secretKey()),
                escapeshellarg(PHP_BINARY),
                escapeshellarg(self::extensionPath()),
                escapeshellarg(dirname(__DIR__, 2) . '/demo/journey.php')
            );
            exec($command, $output, $status);
        } finally {
            $emulator->stop();
        }
        $text = implode("\n", $output);

        $this->assertSame(0, $status, $text);
        preg_match_all('/^\d+\. (\S+) /m', $text, $matches);
        $operations = $matches[1];
        sort($operations);
        $this->assertSame([
            'Website.AuthorizeCustomer', 'Website.CreateOrder', 'Website.Register', 'Website.SetCart',
            'Website.SubscribeEmail', 'Website.UpdateOrder',
        ], $operations, $text);
        $this->assertLessThan(strpos($text, '. Website.UpdateOrder'), strpos($text, '. Website.CreateOrder'));
        $this->assertLessThan(strpos($text, '. Website.AuthorizeCustomer'), strpos($text, '. Website.Register'));
        $this->assertStringContainsString('"orderLinesStatus": "Paid"', $text);
        $this->assertStringContainsString('deviceUUID 4c3b2a19-8d7e-4f6a-9b5c-1d2e3f4a5b6c', $text);
    }

    /** The extension this PHP runs with, for the PHP process the test starts. */
    private static function extensionPath(): string
    {
        $path = getenv('MINDBOX_EXTENSION');
        return is_string($path) && $path !== '' ? $path : dirname(__DIR__, 2) . '/target/debug/libmindbox.so';
    }
}
