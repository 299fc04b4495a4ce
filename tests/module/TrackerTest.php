<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Iblock\ElementTable;
use Bitrix\Iblock\SectionTable;
use Bitrix\Main\EventManager;
use Bitrix\Main\EventResult;
use Bitrix\Main\Page\Asset;
use MindboxTests\Bitrix\Fakes\FakeShop;
use Rustbox\Mindbox\Handlers\PageView;

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

    private const VIEW_PRODUCT = "mindbox('async', {\"operation\":\"Website.ViewProduct\",\"data\":{\"viewProduct\":{\"product\":{\"ids\":{\"websiteID\":\"%s\"}}}}});";
    private const VIEW_CATEGORY = "mindbox('async', {\"operation\":\"Website.ViewCategory\",\"data\":{\"viewProductCategory\":{\"productCategory\":{\"ids\":{\"websiteID\":\"%s\"}}}}});";

    private function catalogue(): void
    {
        SectionTable::fakeAdd(7, ['IBLOCK_ID' => 2, 'XML_ID' => 'TEA', 'NAME' => 'Tea']);
        ElementTable::fakeAdd(101, ['IBLOCK_ID' => 2, 'XML_ID' => 'TEA-GREEN-100', 'NAME' => 'Green tea', 'IBLOCK_SECTION_ID' => 7]);
        ElementTable::fakeAdd(102, ['IBLOCK_ID' => 2, 'XML_ID' => '', 'NAME' => 'Cup']);
    }

    public function testTheCatalogueComponentsProductAndSectionPagesReportTheirViews(): void
    {
        $this->catalogue();

        $product = $this->shop->page(static fn () => FakeShop::showProduct(101, 7));
        $this->shop->visit();
        $section = $this->shop->page(static fn () => FakeShop::showSection(7));
        $this->shop->visit();
        $other = $this->shop->page();

        $this->assertStringContainsString(sprintf(self::VIEW_PRODUCT, 'TEA-GREEN-100'), $product);
        $this->assertStringNotContainsString('ViewCategory', $product, 'a product page is a product view, not a category view');
        $this->assertLessThan(strpos($product, 'ViewProduct'), strpos($product, 'mindbox.queue = mindbox.queue'), 'after the tracker\'s queue');
        $this->assertStringContainsString(sprintf(self::VIEW_CATEGORY, 'TEA'), $section);
        $this->assertStringNotContainsString("mindbox('async'", $other);
    }

    public function testViewsUseTheProductIdsTheServerSends(): void
    {
        $this->catalogue();
        $this->shop->configure(['product_id_source' => 'ID']);
        $this->assertStringContainsString(sprintf(self::VIEW_PRODUCT, '101'), $this->shop->page(static fn () => FakeShop::showProduct(101)));

        $this->shop->configure(['product_id_source' => 'XML_ID']);
        $this->shop->visit();
        $this->assertStringContainsString(sprintf(self::VIEW_PRODUCT, '102'), $this->shop->page(static fn () => FakeShop::showProduct(102)), 'no XML_ID: the ID');

        EventManager::getInstance()->addEventHandler('rustbox.mindbox', 'OnGetProductId', static function ($event) {
            return new EventResult(EventResult::SUCCESS, ['productId' => 'sku-' . $event->getParameter('elementId')]);
        });
        $this->shop->visit();
        $this->assertStringContainsString(sprintf(self::VIEW_PRODUCT, 'sku-101'), $this->shop->page(static fn () => FakeShop::showProduct(101)));
    }

    public function testAShopsOwnTemplateReportsAViewWithOneCall(): void
    {
        $this->catalogue();
        $this->shop->configure(['op_view_product' => 'Shop.ProductSeen']);

        $html = $this->shop->page(static function (): void {
            PageView::product(101);
            PageView::category(7);
            PageView::product(999);
        });

        $this->assertStringContainsString('"operation":"Shop.ProductSeen","data":{"viewProduct":{"product":{"ids":{"websiteID":"TEA-GREEN-100"}}}}', $html);
        $this->assertStringContainsString(sprintf(self::VIEW_CATEGORY, 'TEA'), $html);
        $this->assertSame(1, substr_count($html, 'viewProduct"'), 'an element that does not exist is not reported');
    }

    public function testNoViewsOnAdminPagesOrWhenSwitchedOff(): void
    {
        $this->catalogue();
        $this->shop->visit([], '10.0.0.5', 's1', true);
        $this->assertStringNotContainsString('ViewProduct', $this->shop->page(static fn () => FakeShop::showProduct(101)));

        $this->shop->visit();
        $this->shop->configure(['enabled_events' => 'set_cart']);
        $this->assertStringNotContainsString('ViewProduct', $this->shop->page(static fn () => FakeShop::showProduct(101)));
    }
}
