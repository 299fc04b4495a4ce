<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Config\Option;
use Rustbox\Mindbox\Loyalty\Balance;
use Rustbox\Mindbox\Loyalty\Breaker;
use Rustbox\Mindbox\Mindbox;

/** The checkout's circuit breaker: one call Mindbox did not answer spares the next buyers the wait. */
final class CheckoutBreakerTest extends ModuleTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        $this->shop->configure(['loyalty_enabled' => 'Y', 'breaker_seconds' => '30']);
        $this->balance = 250.0;
    }

    /** The balance as a new hit asks for it. */
    private function balanceOfANewHit(): ?int
    {
        $this->shop->visit();
        return Balance::of(Mindbox::settings('s1'), 42);
    }

    public function testAFailureOpensItAndLaterHitsDoNotAsk(): void
    {
        $this->methodFailures['getCustomerBalance'] = new \MindboxUnavailableException('Mindbox is unavailable: timed out');

        $this->assertNull($this->balanceOfANewHit());
        unset($this->methodFailures['getCustomerBalance']);
        $this->assertNull($this->balanceOfANewHit());
        $this->assertNull($this->balanceOfANewHit());

        $this->assertTrue(Breaker::isOpen(Mindbox::settings('s1')));
        $this->assertCount(0, $this->callsOf('getCustomerBalance'), 'none asked while open (the failed call is not recorded)');
        $this->assertCount(1, \CEventLog::fakeEntries(), 'the failure is logged once, not on every hit of the pause');
        $until = (float)Option::get('rustbox.mindbox', 'checkout_breaker_until', '0', Mindbox::settings('s1')->siteId());
        $this->assertEqualsWithDelta(microtime(true) + 30, $until, 2.0);
    }

    public function testAfterThePauseOneProbeAndASuccessCloseIt(): void
    {
        $settings = Mindbox::settings('s1');
        Option::set('rustbox.mindbox', 'checkout_breaker_until', (string)(microtime(true) - 1), $settings->siteId());

        $this->assertSame(25000, $this->balanceOfANewHit());
        $this->assertFalse(Breaker::isOpen($settings));
        $this->assertSame('', (string)Option::getRealValue('rustbox.mindbox', 'checkout_breaker_until', $settings->siteId()), 'closed leaves no option behind');
        $this->assertSame(25000, $this->balanceOfANewHit());
        $this->assertCount(2, $this->callsOf('getCustomerBalance'));
    }

    public function testWhileAProbeRunsOtherWorkersKeepSkipping(): void
    {
        $settings = Mindbox::settings('s1');
        Option::set('rustbox.mindbox', 'checkout_breaker_until', (string)(microtime(true) - 1), $settings->siteId());
        $seenDuringProbe = null;

        Breaker::guard($settings, function () use ($settings, &$seenDuringProbe) {
            $seenDuringProbe = Breaker::isOpen($settings);
            return 1;
        });

        $this->assertTrue($seenDuringProbe, 'the probe claimed the pause for the length of its call');
        $this->assertFalse(Breaker::isOpen($settings));
    }

    public function testAFailedProbeOpensItAgainAndErrorsThatAreNotAnOutageDoNot(): void
    {
        $settings = Mindbox::settings('s1');
        Option::set('rustbox.mindbox', 'checkout_breaker_until', (string)(microtime(true) - 1), $settings->siteId());
        $this->methodFailures['getCustomerBalance'] = new \MindboxUnavailableException('HTTP 503');
        $this->assertNull($this->balanceOfANewHit());
        $this->assertTrue(Breaker::isOpen($settings));

        Option::delete('rustbox.mindbox', ['name' => 'checkout_breaker_until']);
        $this->methodFailures['getCustomerBalance'] = new \MindboxProtocolException('HTTP 403');
        $this->assertNull($this->balanceOfANewHit());
        $this->assertFalse(Breaker::isOpen($settings), 'a refused key is no outage: waiting would not help');
    }
}
