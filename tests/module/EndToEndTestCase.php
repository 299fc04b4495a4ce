<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use MindboxTests\Bitrix\Fakes\FakeShop;
use MindboxTests\Support\Emulator;
use PHPUnit\Framework\TestCase;
use Rustbox\Mindbox\Mindbox;

/**
 * A shop on the fake core with the module installed and talking, through the real extension and its outbox, to the
 * Mindbox emulator. Tests fire Bitrix events, flush, and read what the emulator received.
 */
abstract class EndToEndTestCase extends TestCase
{
    protected const STATUS_MAP = ['N' => 'CheckedOut', 'P' => 'Paid', 'F' => 'Delivered', 'CANCELED' => 'Cancelled'];

    protected static ?Emulator $emulator = null;
    protected FakeShop $shop;
    private string $outbox;

    public static function setUpBeforeClass(): void
    {
        if (extension_loaded('mindbox') && class_exists(Emulator::class)) {
            self::$emulator = Emulator::start();
        }
    }

    public static function tearDownAfterClass(): void
    {
        self::$emulator?->stop();
        self::$emulator = null;
    }

    protected function setUp(): void
    {
        if (!extension_loaded('mindbox')) {
            $this->markTestSkipped('the mindbox extension is not loaded (php -d extension=target/debug/libmindbox.so)');
        }
        self::$emulator->reset();
        // The outbox lives in a directory of its own: the extension refuses one others can write.
        $dir = sys_get_temp_dir() . '/rustbox-e2e-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($dir, 0700);
        $this->outbox = $dir . '/outbox.sqlite';
        $this->shop = FakeShop::open(['s1' => 'Shop']);
        $this->shop->installModule();
        $this->shop->configure([
            'endpoint_id' => self::$emulator->endpointId(),
            'secret_key' => self::$emulator->secretKey(),
            'api_url' => self::$emulator->baseUrl(),
            'outbox_path' => $this->outbox,
            'timeout' => '2',
            'status_map' => json_encode(self::STATUS_MAP),
        ]);
    }

    protected function tearDown(): void
    {
        $this->shop->close();
        foreach (glob($this->outbox . '*') ?: [] as $file) {
            @unlink($file);
        }
        @rmdir(dirname($this->outbox));
    }

    /**
     * Delivers the outbox and returns the emulator's journal entries that Mindbox processed, in arrival order.
     *
     * @return list<array>
     */
    protected function delivered(): array
    {
        $this->assertSame([], array_column(\CEventLog::fakeEntries(), 'DESCRIPTION'), 'no handler failed');
        $result = Mindbox::client('s1')->flush(10.0);
        $this->assertSame(0, $result['pending'] + $result['retrying'] + $result['failed'], 'everything delivered: ' . json_encode($result));
        $entries = array_values(array_filter(self::$emulator->journal(), static fn (array $e) => ($e['outcome'] ?? '') === 'processed'));
        usort($entries, static fn (array $a, array $b) => $a['seq'] <=> $b['seq']);
        return $entries;
    }

    /**
     * A hit of the checkout: sale.order.ajax's AJAX refresh, or with $placeOrder its "place order", with the points
     * field as the buyer typed it.
     *
     * @return array{order: \Bitrix\Sale\Order, result: array}
     */
    protected function checkoutHit(string $points, bool $placeOrder = false, float $delivery = 0.0): array
    {
        $this->shop->visit(post: ['order' => [\Rustbox\Mindbox\Loyalty\Checkout::FIELD => $points], 'via_ajax' => 'Y', 'soa-action' => $placeOrder ? 'saveOrderAjax' : 'refreshOrderAjax']);
        return $this->shop->checkout($placeOrder, $delivery);
    }

    /** Bodies as JSON carries them: the emulator's journal cannot tell 2 from 2.0, so numbers compare as floats. */
    protected static function assertBody(array $expected, array $actual): void
    {
        self::assertSame(self::numbersAsFloats($expected), self::numbersAsFloats($actual));
    }

    private static function numbersAsFloats(mixed $value): mixed
    {
        return match (true) {
            is_array($value) => array_map(self::numbersAsFloats(...), $value),
            is_int($value) => (float)$value,
            default => $value,
        };
    }

    /** The single entry the emulator processed. */
    protected function onlyDelivered(): array
    {
        $entries = $this->delivered();
        $this->assertCount(1, $entries, 'one operation reached Mindbox');
        return $entries[0];
    }
}
