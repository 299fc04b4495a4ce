<?php
// No core file: a shop on the fake core, with what a visitor, a manager or the server does to it (the back office's
// hits: backoffice.php).

namespace MindboxTests\Bitrix\Fakes;

use Bitrix\Main\Application;
use Bitrix\Main\Config\Option;
use Bitrix\Main\Context;
use Bitrix\Main\EventManager;
use Bitrix\Main\HttpRequest;
use Bitrix\Main\Loader;
use Bitrix\Main\ModuleManager;
use Bitrix\Main\Page\Asset;
use Bitrix\Main\SiteTable;
use Bitrix\Sale;

/**
 * A shop on the fake core: a document root with the module under local/modules, the core modules installed, and
 * helpers for what a visitor, a manager or the server does. Opening a shop resets the whole fake core, the way
 * every hit of a real site starts from the database.
 */
final class FakeShop
{
    use BackOfficeHits;

    public const MODULE_ID = 'rustbox.mindbox';

    private function __construct(public readonly string $documentRoot)
    {
    }

    /**
     * @param array<string, string> $sites site id => name
     * @param ?string $module the module's folder the shop has (another release's, say); this checkout's by default
     */
    public static function open(array $sites = ['s1' => 'Shop'], array $modules = ['main', 'sale', 'catalog', 'currency', 'iblock', 'subscribe', 'sender'], ?string $module = null): self
    {
        $root = sys_get_temp_dir() . '/rustbox-shop-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($root . '/local/modules', 0755, true);
        mkdir($root . '/bitrix/admin', 0755, true);
        symlink($module ?? dirname(__DIR__, 3) . '/bitrix-module', $root . '/local/modules/' . self::MODULE_ID);

        Application::fakeReset($root);
        ModuleManager::fakeReset($modules);
        SiteTable::fakeReset($sites);
        EventManager::fakeReset();
        Loader::fakeReset();
        Option::fakeReset();
        \Bitrix\Main\Config\Configuration::fakeReset();
        Asset::fakeReset();
        \CAgent::fakeReset();
        \CEventLog::fakeReset();
        \CAdminNotify::fakeReset();
        \CUser::fakeReset();
        \CSubscription::fakeReset();
        \Bitrix\Sender\ContactTable::fakeReset();
        \Bitrix\Sender\MailingSubscriptionTable::fakeReset();
        \Bitrix\Sender\Subscription::fakeReset();
        Sale\PriceMaths::fakeReset();
        Sale\Order::fakeReset();
        \CSaleDiscount::fakeReset();
        Sale\Internals\DiscountCouponTable::fakeReset();
        Sale\DiscountCouponsManager::fakeReset();
        Sale\Basket::fakeReset();
        Sale\Fuser::fakeReset();
        \Bitrix\Iblock\FakeTable::fakeReset();
        \Bitrix\Iblock\FakeStore::reset();
        \Bitrix\Catalog\FakeDataManager::fakeReset();
        \CCatalogDiscount::fakeReset();
        \CCatalogProduct::fakeReset();
        \CCatalogSku::fakeReset();
        \CIBlockElement::fakeReset();
        \CFile::fakeReset();
        self::forgetModuleState();

        $GLOBALS['APPLICATION'] = new \CMain();
        $GLOBALS['USER'] = new \CUser();
        // A new shop is visited by a new browser: the PHP session the core starts on every hit begins empty.
        $_SESSION = [];
        $shop = new self($root);
        $shop->visit();
        return $shop;
    }

    public function close(): void
    {
        self::forgetModuleState();
        unlink($this->documentRoot . '/local/modules/' . self::MODULE_ID);
        exec('rm -rf ' . escapeshellarg($this->documentRoot));
    }

    /** What the admin's "Install" button does. */
    public function installModule(): void
    {
        $this->installer()->DoInstall();
    }

    /** @return bool what DoUninstall() answers: false makes the admin page show $APPLICATION's exception */
    public function uninstallModule(): bool
    {
        return $this->installer()->DoUninstall() !== false;
    }

    /** @param array<string, string> $options module option => value, for one site or ("") all of them */
    public function configure(array $options, string $siteId = ''): void
    {
        foreach ($options as $name => $value) {
            Option::set(self::MODULE_ID, $name, $value, $siteId);
        }
    }

    /**
     * A new hit: the request of a browser (its cookies and address) on a public page, or on an admin page; with $post,
     * a form posted to it. An admin page runs the admin prolog (ADMIN_SECTION); $page is the requested path.
     */
    public function visit(array $cookies = [], string $ip = '198.51.100.7', string $siteId = 's1', bool $admin = false, array $post = [], string $page = '/'): void
    {
        $uri = $admin ? '/bitrix/admin/sale_order_edit.php' : $page;
        $server = ['REMOTE_ADDR' => $ip, 'REQUEST_METHOD' => $post === [] ? 'GET' : 'POST', 'REQUEST_URI' => $uri];
        $request = new HttpRequest([], $post, $cookies, $server, $admin);
        $context = new Context($request);
        $context->setSite($admin ? null : $siteId);
        Application::getInstance()->setContext($context);
        unset($GLOBALS['CATALOG_CURRENT_ELEMENT_ID'], $GLOBALS['CATALOG_CURRENT_SECTION_ID']);
        $this->newHit();
    }

    /** A hit run by cron or the agent runner: no request, no site. */
    public function leaveRequest(): void
    {
        $context = new Context(new HttpRequest());
        Application::getInstance()->setContext($context);
    }

    /** A customer of the shop from before the module was installed (an active, ordinary user). */
    public function existingCustomer(string $login = 'anna', array $fields = []): int
    {
        return \CUser::fakeExisting(['LOGIN' => $login, 'EMAIL' => $login . '@example.com'] + $fields);
    }

    public function logIn(int $userId): void
    {
        $GLOBALS['USER']->Authorize($userId);
    }

    /**
     * Adds products to the visitor's cart as the catalogue's "add to cart" does (the basket loaded for the shopper,
     * a line per product, saved): [product id, XML_ID, quantity, base price, discount per item].
     */
    public function fillCart(array $products, string $siteId = 's1'): Sale\Basket
    {
        $basket = $this->shopperBasket($siteId);
        foreach ($products as [$productId, $xmlId, $quantity, $basePrice, $discount]) {
            $item = $basket->createItem('catalog', $productId);
            $item->setFields(['PRODUCT_XML_ID' => $xmlId, 'QUANTITY' => $quantity, 'CURRENCY' => 'RUB', 'BASE_PRICE' => $basePrice, 'DISCOUNT_PRICE' => $discount, 'NAME' => 'Product ' . $productId]);
        }
        $basket->save();
        return $basket;
    }

    /** The visitor's cart as this hit loads it from the database. */
    public function shopperBasket(string $siteId = 's1'): Sale\Basket
    {
        return Sale\Basket::loadItemsForFUser(Sale\Fuser::getId(), $siteId);
    }

    /**
     * Checkout saving the visitor's cart as an order with e-mail and phone properties and a delivery price, built
     * as bitrix:sale.order.ajax builds it (see checkout()). A guest's order (user 0) belongs to the shop's shared
     * anonymous buyer, as the component's saveOrderAjax does it for buyers who do not register.
     */
    public function placeOrder(int $userId, string $email, string $phone, float $delivery = 0.0, string $siteId = 's1'): Sale\Order
    {
        $order = $this->buildOrder($userId > 0 ? $userId : (int)\CSaleUser::GetAnonymousUserID(), $delivery, $siteId);
        $properties = $order->getPropertyCollection();
        $properties->createItem(['ID' => 1, 'CODE' => 'EMAIL', 'NAME' => 'E-mail', 'IS_EMAIL' => 'Y'])->setValue($email);
        $properties->createItem(['ID' => 2, 'CODE' => 'PHONE', 'NAME' => 'Phone', 'IS_PHONE' => 'Y'])->setValue($phone);
        $order->save();
        return $order;
    }

    /**
     * A hit of bitrix:sale.order.ajax: a render or AJAX refresh, or with $placeOrder its "place order" action.
     *
     * @return array{order: Sale\Order, result: array}
     */
    public function checkout(bool $placeOrder = false, float $delivery = 0.0, string $siteId = 's1'): array
    {
        return (new SaleOrderAjax($this->shopperBasket($siteId), $delivery, $siteId))->run($placeOrder);
    }

    /**
     * A public page of the current hit, from prolog to epilog: OnProlog, the page's own work ($content, e.g. a
     * catalogue component), OnEpilog; what the module added to the page through Asset is returned as HTML.
     */
    public function page(?callable $content = null): string
    {
        foreach (GetModuleEvents('main', 'OnProlog', true) as $event) {
            ExecuteModuleEventEx($event);
        }
        if ($content !== null) {
            $content();
        }
        foreach (GetModuleEvents('main', 'OnEpilog', true) as $event) {
            ExecuteModuleEventEx($event);
        }
        return implode("\n", array_column(Asset::getInstance()->fakeStrings(), 'string'));
    }

    /**
     * The product page of the complex bitrix:catalog component (templates/.default/element.php): catalog.element
     * returns the element's id, which the template keeps in $GLOBALS['CATALOG_CURRENT_ELEMENT_ID'].
     */
    public static function showProduct(int $elementId, int $sectionId = 0): void
    {
        $GLOBALS['CATALOG_CURRENT_ELEMENT_ID'] = $elementId;
        if ($sectionId > 0) {
            $GLOBALS['CATALOG_CURRENT_SECTION_ID'] = $sectionId;
        }
    }

    /** A section page of the complex bitrix:catalog component (section_vertical.php / section_horizontal.php). */
    public static function showSection(int $sectionId): void
    {
        $GLOBALS['CATALOG_CURRENT_SECTION_ID'] = $sectionId;
    }

    /** A component on the page of the current hit, as $APPLICATION->IncludeComponent() shows it: its HTML. */
    public function render(string $component, string $template = '', array $params = []): string
    {
        ob_start();
        try {
            $GLOBALS['APPLICATION']->IncludeComponent($component, $template, $params);
        } finally {
            $html = (string)ob_get_clean();
        }
        return $html;
    }

    /** sale.order.ajax's getOrder() → initBasket(): refresh and save the shopper's basket, append the orderable part. */
    private function buildOrder(int $userId, float $delivery, string $siteId): Sale\Order
    {
        $order = Sale\Order::create($siteId, $userId);
        $basket = $this->shopperBasket($siteId);
        if ($basket->refresh()->isSuccess()) {
            $basket->save();
        }
        $order->appendBasket($basket->getOrderableItems());
        $order->setField('PRICE_DELIVERY', $delivery);
        $order->doFinalAction(true);
        return $order;
    }

    private function installer(): \CModule
    {
        require_once $this->documentRoot . '/local/modules/' . self::MODULE_ID . '/install/index.php';
        return new \rustbox_mindbox();
    }

    /**
     * The module keeps per-process state (clients, users registered in this hit, changes of carts waiting for their
     * save, …); a real hit starts without it, so a new hit and a new shop must too: every static property of the
     * module's classes goes back to its declared default. Site code runs again on every hit (init.php), so a client
     * factory it set stays for a new hit of the same shop.
     */
    private static function forgetModuleState(bool $keepSiteCode = false): void
    {
        foreach (get_declared_classes() as $class) {
            if (!str_starts_with($class, 'Rustbox\\Mindbox\\')) {
                continue;
            }
            foreach ((new \ReflectionClass($class))->getProperties(\ReflectionProperty::IS_STATIC) as $property) {
                $isSiteCode = $class === \Rustbox\Mindbox\Mindbox::class && $property->getName() === 'factory';
                if ($property->getDeclaringClass()->getName() === $class && $property->hasDefaultValue() && !($keepSiteCode && $isSiteCode)) {
                    $property->setValue(null, $property->getDefaultValue());
                }
            }
        }
    }
}
