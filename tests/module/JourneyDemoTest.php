<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use MindboxTests\Support\Emulator;
use PHPUnit\Framework\TestCase;

/** demo/journey.php, run as the README runs it (with a real headless Chromium), against a fresh emulator. */
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
        preg_match_all('/^\d+\. (\S+) \(([a-z-]+)(?:, deviceUUID ([0-9a-f-]+))?\)$/m', $text, $matches, PREG_SET_ORDER);
        $operations = array_column($matches, 1);
        sort($operations);
        // Loyalty processing: a calculation for the page and one for "place order", the order confirmed once, its
        // Bitrix id added to it, and later its status.
        $this->assertSame([
            'Website.AuthorizeCustomer', 'Website.CalculateAuthorizedCart', 'Website.CalculateAuthorizedCart',
            'Website.CreateAuthorizedOrder', 'Website.Register', 'Website.SetCart', 'Website.SubscribeEmail',
            'Website.UpdateOrder', 'Website.UpdateOrderStatus', 'Website.ViewCategory', 'Website.ViewProduct',
        ], $operations, $text);
        $this->assertLessThan(strpos($text, '. Website.UpdateOrder'), strpos($text, '. Website.CreateAuthorizedOrder'));
        $this->assertStringContainsString('she types the promo code WELCOME (Promo code applied) and asks to pay 150 points', $text);
        $this->assertMatchesRegularExpression('/"coupons": \[\s*\{\s*"ids": \{\s*"code": "WELCOME"/', $text);
        $this->assertMatchesRegularExpression('/"bonusPoints": \[\s*\{\s*"amount": 150/', $text);
        $this->assertLessThan(strpos($text, '. Website.AuthorizeCustomer'), strpos($text, '. Website.Register'));
        $this->assertStringContainsString('"orderLinesStatus": "Paid"', $text);
        $byOperation = array_column($matches, null, 1);
        // The views come from the browser, through the tracker; the cart from the server, with the tracker's device.
        $this->assertSame('tracker', $byOperation['Website.ViewProduct'][2]);
        $this->assertSame('tracker', $byOperation['Website.ViewCategory'][2]);
        $this->assertStringContainsString('"websiteID": "TEA-GREEN-100"', $text);
        $device = $byOperation['Website.ViewProduct'][3] ?? '';
        $this->assertMatchesRegularExpression('/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/', $device);
        $this->assertSame($device, $byOperation['Website.SetCart'][3] ?? null);

        // The shop's feed stays where the demo says, holds every product and category the shop sent, and the
        // emulator, fetching it as Mindbox does, rejects nothing.
        $this->assertMatchesRegularExpression('/product feed, made by the module from its catalogue \(2 offers, [\d,]+ bytes\):\n  (\S+)/', $text);
        preg_match('/product feed, made by the module [^\n]*\n  (\S+)/', $text, $feed);
        $this->assertFileExists($feed[1]);
        $this->assertStringContainsString('<offer id="TEA-GREEN-100" available="true">', (string)file_get_contents($feed[1]));
        $this->assertStringContainsString('would import 2 offers in 1 categories; rejected: 0; issues: [];', $text);
        $this->assertStringContainsString('of the products the shop sent (TEA-GREEN-100, CUP-WHITE): missing []; of its categories (TEA): missing []', $text);

        // Last, the shop's history from before the module, by bulk import: a task per part, every row accepted; the
        // customers and orders Mindbox imported are the history's, and the journey's own (sent live) are not among them.
        $this->assertStringContainsString('The shop had 3 customers and 4 orders before the module was installed.', $text);
        $this->assertStringContainsString('she registers (user 4)', $text);
        $this->assertMatchesRegularExpression('/she places order 5 /', $text);
        $guid = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
        $this->assertMatchesRegularExpression("/\\n  1\\. DirectCrm\\.Customers\\.Import, transactionId $guid, gzip, 3 rows: 3 accepted, 0 rejected, Done\\n"
            . "  2\\. RetailOrder\\.Import, transactionId $guid, 5 rows: 5 accepted, 0 rejected, Done\\n/", $text);
        preg_match_all('/^  websiteID (\\d+): (.*)$/m', $text, $customers);
        $this->assertSame(['1', '2', '3'], $customers[1], $text);
        $this->assertSame('Мария Иванова, maria@example.com, phone -, born -, registered 2022-06-17 18:40:00 UTC', $customers[2][1]);
        $this->assertStringStartsWith('Ivan Sokolov, ivan@example.com, phone 89031112233, born 1985-04-12, registered 2021-02-03', $customers[2][0]);
        preg_match_all('/^  websiteID (\\d+) of customer websiteID (\\d+), placed [^,]+, total ([\\d.]+): (.*)$/m', $text, $orders);
        $this->assertSame([['1', '2', '3', '4'], ['1', '1', '2', '3']], [$orders[1], $orders[2]], $text);
        $this->assertSame('TEA-GREEN-100 × 2 = 900.00 Delivered; CUP-WHITE × 1 = 890.00 Delivered', $orders[4][0]);
        $this->assertSame(['1790.00', 'TEA-GREEN-100 × 3 = 1350.00 Cancelled'], [$orders[3][0], $orders[4][3]], 'a cancelled order\'s lines cancelled');
    }

    /** The extension this PHP runs with, for the PHP process the test starts. */
    private static function extensionPath(): string
    {
        $path = getenv('MINDBOX_EXTENSION');
        return is_string($path) && $path !== '' ? $path : dirname(__DIR__, 2) . '/target/debug/libmindbox.so';
    }
}
