<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

/** The component rustbox:mindbox.balance, as installed to /bitrix/components/ and included on a page. */
final class BalanceComponentTest extends ModuleTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        $this->shop->configure(['loyalty_enabled' => 'Y']);
    }

    private function logIn(float $balance): int
    {
        $this->balance = $balance;
        $userId = (int)(new \CUser())->Add(['LOGIN' => 'anna', 'EMAIL' => 'anna@example.com']);
        $this->shop->logIn($userId);
        $this->shop->visit();
        $this->calls = [];
        return $userId;
    }

    private function render(): string
    {
        return trim(strip_tags($this->shop->render('rustbox:mindbox.balance')));
    }

    public function testTheLoggedInCustomerSeesTheirPoints(): void
    {
        $userId = $this->logIn(1234.5);

        $this->assertSame('Your points: 1 234.50', $this->render());
        $this->assertSame([[['ids' => ['websiteID' => (string)$userId]], null]], $this->callsOf('getCustomerBalance'));
    }

    public function testTheBalanceIsAskedOnceARequestHoweverManyPlacesShowIt(): void
    {
        $this->logIn(500.0);
        $this->shop->fillCart([[1, 'SKU-1', 1, 1000.0, 0.0]]);
        $this->shop->visit();

        $this->render();
        $this->shop->checkout();
        $this->render();
        $this->assertCount(1, $this->callsOf('getCustomerBalance'), 'the component, the checkout and the component again');

        $this->shop->visit();
        $this->render();
        $this->assertCount(2, $this->callsOf('getCustomerBalance'), 'a new hit asks again');
    }

    public function testWhenMindboxDoesNotAnswerTheComponentSaysSo(): void
    {
        $this->logIn(500.0);
        $this->methodFailures['getCustomerBalance'] = new \MindboxUnavailableException('timed out');

        $this->assertSame('Your points are unavailable right now', $this->render());
    }

    public function testGuestsAndShopsWithoutLoyaltySeeNothing(): void
    {
        $this->assertSame('', $this->render());
        $this->logIn(500.0);
        $this->shop->configure(['loyalty_enabled' => 'N']);
        $this->assertSame('', $this->render());
        $this->assertSame([], $this->callsOf('getCustomerBalance'));
    }

    public function testWholePointsAreShownRoundedDownNeverUp(): void
    {
        $this->shop->configure(['points_decimals' => '0']);
        $this->logIn(99.99);
        $this->assertSame('Your points: 99', $this->render());
    }
}
