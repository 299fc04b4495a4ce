<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Page\Asset;

/** main:OnProlog → the JavaScript tracker on public pages. */
final class TrackerTest extends ModuleTestCase
{
    private function prolog(): array
    {
        foreach (GetModuleEvents('main', 'OnProlog', true) as $event) {
            ExecuteModuleEventEx($event);
        }
        return array_column(Asset::getInstance()->fakeStrings(), 'string');
    }

    public function testAGuestGetsTheTrackerWithTheEndpoint(): void
    {
        [$snippet] = $this->prolog();

        $this->assertStringContainsString("mindbox('create', {\"endpointId\":\"shop-website\"});", $snippet);
        $this->assertStringContainsString('src="https://api.mindbox.ru/scripts/v1/tracker.js"', $snippet);
        $this->assertStringNotContainsString('identify', $snippet);
    }

    public function testALoggedInUserIsIdentifiedWithTheServersCustomerId(): void
    {
        $id = (new \CUser())->Add(['LOGIN' => 'anna', 'EMAIL' => 'anna@example.com']);
        $this->shop->logIn($id);
        $this->shop->configure(['test_mode' => 'Y']);

        [$snippet] = $this->prolog();

        $this->assertStringContainsString(
            "mindbox('identify', {\"operation\":\"SiteVisit\",\"data\":{\"customer\":{\"ids\":{\"websiteID\":\"test-$id\"}}}});",
            $snippet
        );
    }

    public function testValuesCannotBreakOutOfTheScript(): void
    {
        $this->shop->configure(['endpoint_id' => "shop</script><script>alert('x')</script>", 'op_identify' => '"];alert(1)//']);
        $id = (new \CUser())->Add(['LOGIN' => 'anna']);
        $this->shop->logIn($id);

        [$snippet] = $this->prolog();

        $this->assertSame(2, substr_count(strtolower($snippet), '</script>'), 'only the snippet\'s own two closing tags');
        $this->assertStringNotContainsString("alert('x')", $snippet);
        $this->assertStringContainsString('\u003C/script\u003E', $snippet);
        $this->assertStringNotContainsString('"];alert', $snippet);
    }

    public function testNeverOnAdminPagesNorWhenSwitchedOff(): void
    {
        $this->shop->visit([], '10.0.0.5', 's1', true);
        $this->assertSame([], $this->prolog());

        $this->shop->visit();
        $this->shop->configure(['tracker_enabled' => 'N']);
        $this->assertSame([], $this->prolog());
    }

    public function testTheScriptComesFromTheConfiguredApiDomain(): void
    {
        $this->shop->configure(['api_url' => 'https://api.mindbox.cloud']);
        [$snippet] = $this->prolog();
        $this->assertStringContainsString('src="https://api.mindbox.cloud/scripts/v1/tracker.js"', $snippet);
    }
}
