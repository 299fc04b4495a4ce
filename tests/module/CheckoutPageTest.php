<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use MindboxTests\Support\PhpServer;
use PHPUnit\Framework\TestCase;

/**
 * The "use points" field in a real headless Chromium, on a page laid out like sale.order.ajax's .default template
 * (pages/checkout: the place-order block two levels below the form) with stand-ins for BX and the component that
 * post the form to a PHP server on loopback and rebuild the blocks from markup. The page runs the module's real
 * script (CheckoutField::script(), written in by the router) and, with ?scenario=points, types points, waits for the
 * answer and has the blocks rebuilt twice more; with ?scenario=coupon, types a promo code into the component's coupon
 * field. The test checks the dumped DOM and what the server received.
 */
final class CheckoutPageTest extends TestCase
{
    private const CHROMIUM = '/usr/bin/chromium';
    private const FIXTURE = __DIR__ . '/pages/checkout';
    private const CLAMPED = 'You have 500.00 points, so 500.00 were used.';

    private ?PhpServer $server = null;
    private string $dir = '';

    protected function setUp(): void
    {
        if (!is_executable(self::CHROMIUM)) {
            $this->markTestSkipped('no headless browser at ' . self::CHROMIUM . ' (scripts/test.sh installs Debian\'s chromium)');
        }
        require_once dirname(__DIR__) . '/support/process/DemoBrowser.php';
        require_once dirname(__DIR__) . '/support/process/PhpServer.php';
        $this->dir = sys_get_temp_dir() . '/rustbox-checkout-page-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->dir, 0700);
        $this->server = PhpServer::start(self::FIXTURE . '/router.php', [
            'RUSTBOX_CHECKOUT_LOG' => $this->dir . '/posts.jsonl',
            'RUSTBOX_CHECKOUT_STATE' => $this->dir . '/session.json',
        ], self::FIXTURE, $this->dir . '/server.log');
    }

    protected function tearDown(): void
    {
        $this->server?->stop();
        if ($this->dir !== '') {
            exec('rm -rf ' . escapeshellarg($this->dir));
        }
    }

    public function testTheFieldIsPostedWithTheFormShowsTheAnswerAndSurvivesReRenders(): void
    {
        [$xpath, $report] = $this->play('points');
        $steps = array_column($report['steps'], null, 'step');
        $this->assertSame(['loaded', 'refreshed', 'rebuilt', 'copied'], array_keys($steps));
        foreach ($steps as $name => $step) {
            $this->assertSame(1, $step['count'], "$name: one field, never a copy");
            $this->assertTrue($step['inForm'], "$name: inside the form, so that its AJAX posts the field");
            $this->assertTrue($step['beforeSave'], "$name: right before the place-order block");
            $this->assertTrue($step['visible'], "$name: shown");
            $this->assertSame('RUSTBOX_MINDBOX_POINTS', $step['name']);
            $this->assertSame('Pay with points', $step['label']);
        }
        $this->assertSame('', $steps['loaded']['value']);
        $this->assertSame('Available: 500.00 points', $steps['loaded']['note'], 'the balance of the first result');
        foreach (['refreshed', 'rebuilt', 'copied'] as $name) {
            $this->assertSame('750', $steps[$name]['value'], "$name: what was typed stays");
            $this->assertSame(self::CLAMPED, $steps[$name]['note'], "$name: the server's message");
        }
        $this->assertCount(1, $report['answers']);
        $this->assertSame(self::CLAMPED, $report['answers'][0]['MESSAGE']);
        $this->assertSame(500, $report['answers'][0]['SPENT']);

        // The change asked the component for one refresh, which posted the whole form as order[…].
        $posts = $this->posts();
        $this->assertCount(1, $posts);
        $this->assertSame('refreshOrderAjax', $posts[0]['soa-action']);
        $this->assertSame('750', $posts[0]['order']['RUSTBOX_MINDBOX_POINTS'] ?? null);
        $this->assertSame('fixture-session', $posts[0]['order']['sessid'] ?? null);
        $this->assertSame('Anna', $posts[0]['order']['ORDER_PROP_1'] ?? null);

        // The final DOM, read independently of the page's own notes.
        $boxes = $xpath->query('//*[contains(concat(" ", normalize-space(@class), " "), " rustbox-mindbox-points ")]');
        $this->assertSame(1, $boxes->length);
        $box = $boxes->item(0);
        $this->assertSame(1, $xpath->query('ancestor::form[@id="bx-soa-order-form"]', $box)->length);
        $this->assertSame('bx-soa-orderSave', $xpath->evaluate('string(following-sibling::*[1]/@id)', $box));
        $this->assertSame(1, $xpath->query('//input[@name="RUSTBOX_MINDBOX_POINTS"]')->length);
        $this->assertSame(self::CLAMPED, $xpath->evaluate('string(.//*[@class="rustbox-mindbox-points-note"])', $box));
    }

    public function testAPromoCodeBitrixDoesNotKnowIsCheckedByOneRefreshForAGuestToo(): void
    {
        [$xpath, $report] = $this->play('coupon', '&guest=1');

        // Bitrix did not know the code: the component answered with the bare code and recalculated nothing, then the
        // script asked for one refresh, whose result carries Mindbox's verdict; nothing was asked after that.
        $this->assertSame(['enterCoupon', 'refreshOrderAjax', 'removeCoupon', 'refreshOrderAjax'], array_column($this->posts(), 'soa-action'));
        $this->assertSame('MINDBOX10', $this->posts()[0]['coupon'] ?? null);
        $this->assertCount(4, $report['answers']);
        $this->assertSame('MINDBOX10', $report['answers'][0]);
        $this->assertArrayHasKey('order', $report['answers'][1]);

        $coupons = array_column($report['coupons'], null, 'COUPON');
        $this->assertSame(['WELCOME', 'MINDBOX10'], array_keys($coupons));
        $this->assertSame('APPLIED', $coupons['MINDBOX10']['JS_STATUS']);
        $this->assertSame('Promo code applied', $coupons['MINDBOX10']['JS_CHECK_CODE']);
        // Removing it is answered without a recalculation too: the refresh that follows takes Mindbox's discount away.
        $this->assertSame(['WELCOME'], array_column($report['afterRemoval'], 'COUPON'));
        $this->assertSame(0, $xpath->query('//strong[@data-coupon="MINDBOX10"]')->length);

        // A guest's result has no points block: the box is in the form (posted, empty) but hidden.
        $this->assertArrayNotHasKey('RUSTBOX_MINDBOX', $report['answers'][1]['order']);
        $this->assertSame([1, false], [$report['steps'][1]['count'], $report['steps'][1]['visible']]);
        $this->assertSame('', $this->posts()[1]['order']['RUSTBOX_MINDBOX_POINTS'] ?? null);
    }

    /** @return array{0: \DOMXPath, 1: array} the dumped page and the scenario's report */
    private function play(string $scenario, string $query = ''): array
    {
        $dom = (new \DemoBrowser(self::CHROMIUM))->open($this->server->baseUrl . '/?scenario=' . $scenario . $query);
        $page = new \DOMDocument();
        $page->loadHTML($dom, LIBXML_NOERROR | LIBXML_NOWARNING);
        $xpath = new \DOMXPath($page);
        $server = (string)@file_get_contents($this->dir . '/server.log');
        $this->assertSame('done', $xpath->evaluate('string(//body/@data-scenario)'), "the scenario did not finish\n$server");
        $report = json_decode((string)$page->getElementById('report')?->textContent, true, 512, JSON_THROW_ON_ERROR);
        return [$xpath, $report];
    }

    /** @return list<array> what the component posted, in order */
    private function posts(): array
    {
        return array_map(
            static fn (string $line) => json_decode($line, true, 512, JSON_THROW_ON_ERROR),
            @file($this->dir . '/posts.jsonl', FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) ?: []
        );
    }
}
