<?php

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
    public const MODULE_ID = 'rustbox.mindbox';

    private function __construct(public readonly string $documentRoot)
    {
    }

    /** @param array<string, string> $sites site id => name */
    public static function open(array $sites = ['s1' => 'Shop'], array $modules = ['main', 'sale', 'catalog', 'subscribe', 'sender']): self
    {
        $root = sys_get_temp_dir() . '/rustbox-shop-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($root . '/local/modules', 0755, true);
        mkdir($root . '/bitrix/admin', 0755, true);
        symlink(dirname(__DIR__, 3) . '/bitrix-module', $root . '/local/modules/' . self::MODULE_ID);

        Application::fakeReset($root);
        ModuleManager::fakeReset($modules);
        SiteTable::fakeReset($sites);
        EventManager::fakeReset();
        Loader::fakeReset();
        Option::fakeReset();
        Asset::fakeReset();
        \CAgent::fakeReset();
        \CEventLog::fakeReset();
        \CAdminNotify::fakeReset();
        \CUser::fakeReset();
        \CSubscription::fakeReset();
        \Bitrix\Sender\ContactTable::fakeReset();
        \Bitrix\Sender\MailingSubscriptionTable::fakeReset();
        Sale\Order::fakeReset();
        Sale\Basket::fakeReset();
        Sale\BasketItem::fakeReset();
        Sale\Fuser::fakeReset();
        self::forgetModuleState();

        $GLOBALS['APPLICATION'] = new \CMain();
        $GLOBALS['USER'] = new \CUser();
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

    public function uninstallModule(): void
    {
        $this->installer()->DoUninstall();
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
     * a form posted to it.
     */
    public function visit(array $cookies = [], string $ip = '198.51.100.7', string $siteId = 's1', bool $admin = false, array $post = []): void
    {
        $server = ['REMOTE_ADDR' => $ip, 'REQUEST_METHOD' => $post === [] ? 'GET' : 'POST', 'REQUEST_URI' => $admin ? '/bitrix/admin/' : '/'];
        $request = new HttpRequest([], $post, $cookies, $server, $admin);
        $context = new Context($request);
        $context->setSite($admin ? null : $siteId);
        Application::getInstance()->setContext($context);
    }

    /** A hit run by cron or the agent runner: no request, no site. */
    public function leaveRequest(): void
    {
        $context = new Context(new HttpRequest());
        Application::getInstance()->setContext($context);
    }

    /** What the sale module does on log-in as well: the browser's basket now belongs to the user. */
    public function logIn(int $userId): void
    {
        $GLOBALS['USER']->Authorize($userId);
        Sale\Fuser::fakeAttachUser((int)Sale\Fuser::getId(), $userId);
    }

    /** The visitor's cart: the products as [product id, XML_ID, quantity, base price, discount per item]. */
    public function fillCart(array $products, string $siteId = 's1'): Sale\Basket
    {
        $basket = Sale\Basket::loadItemsForFUser(Sale\Fuser::getId(), $siteId);
        foreach ($products as [$productId, $xmlId, $quantity, $basePrice, $discount]) {
            $item = $basket->createItem('catalog', $productId);
            $item->setFields(['PRODUCT_XML_ID' => $xmlId, 'QUANTITY' => $quantity, 'BASE_PRICE' => $basePrice, 'DISCOUNT_PRICE' => $discount, 'NAME' => 'Product ' . $productId]);
        }
        $basket->save();
        return $basket;
    }

    /** Checkout: an order of the visitor's cart with e-mail and phone properties and a delivery price. */
    public function placeOrder(int $userId, string $email, string $phone, float $delivery = 0.0, string $siteId = 's1'): Sale\Order
    {
        $order = Sale\Order::create($siteId, $userId);
        $order->setBasket(Sale\Basket::loadItemsForFUser(Sale\Fuser::getId(), $siteId));
        $order->setField('PRICE_DELIVERY', $delivery);
        $properties = $order->getPropertyCollection();
        $properties->createItem(['ID' => 1, 'CODE' => 'EMAIL', 'NAME' => 'E-mail', 'IS_EMAIL' => 'Y'])->setValue($email);
        $properties->createItem(['ID' => 2, 'CODE' => 'PHONE', 'NAME' => 'Phone', 'IS_PHONE' => 'Y'])->setValue($phone);
        $order->save();
        return $order;
    }

    /**
     * What bitrix:sale.order.ajax does within the current hit (bitrix.md 3.7; core class.php): it builds an unsaved
     * order of the visitor's cart for the logged-in user, fires OnSaleComponentOrderCreated, and then either saves
     * the order (the "place order" action) or prepares $arResult, whose JS_DATA totals the page shows are read from
     * the order, and fires OnSaleComponentOrderResultPrepared. The checkout page's AJAX posts its form as order[…].
     *
     * @return array{order: Sale\Order, result: array}
     */
    public function checkout(bool $placeOrder = false, float $delivery = 0.0, string $siteId = 's1'): array
    {
        $user = $GLOBALS['USER'];
        $request = Context::getCurrent()->getRequest();
        $order = Sale\Order::create($siteId, (int)$user->GetID());
        $order->setBasket(Sale\Basket::loadItemsForFUser(Sale\Fuser::getId(), $siteId));
        $order->setField('PRICE_DELIVERY', $delivery);
        $order->getPropertyCollection()->createItem(['ID' => 1, 'CODE' => 'EMAIL', 'NAME' => 'E-mail', 'IS_EMAIL' => 'Y'])->setValue($user->GetEmail());

        $userResult = [];
        $params = ['ACTION_VARIABLE' => 'soa-action'];
        $result = ['ERROR' => [], 'JS_DATA' => []];
        $deliveries = [];
        $paySystems = [];
        foreach (GetModuleEvents('sale', 'OnSaleComponentOrderCreated', true) as $event) {
            ExecuteModuleEventEx($event, [$order, &$userResult, $request, &$params, &$result, &$deliveries, &$paySystems]);
        }
        if ($placeOrder) {
            $order->save();
            return ['order' => $order, 'result' => $result];
        }
        $basket = $order->getBasket();
        $result['JS_DATA']['TOTAL'] = [
            'PRICE_WITHOUT_DISCOUNT_VALUE' => $basket->getBasePrice(),
            'ORDER_PRICE' => $basket->getPrice(),
            'DISCOUNT_PRICE' => round($basket->getBasePrice() - $basket->getPrice(), 2),
            'DELIVERY_PRICE' => $order->getDeliveryPrice(),
            'ORDER_TOTAL_PRICE' => $order->getPrice(),
        ];
        foreach (GetModuleEvents('sale', 'OnSaleComponentOrderResultPrepared', true) as $event) {
            ExecuteModuleEventEx($event, [$order, &$userResult, $request, &$params, &$result]);
        }
        return ['order' => $order, 'result' => $result];
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

    private function installer(): \CModule
    {
        require_once $this->documentRoot . '/local/modules/' . self::MODULE_ID . '/install/index.php';
        return new \rustbox_mindbox();
    }

    /**
     * The module keeps per-process state (clients, users registered in this hit); a real hit starts without it,
     * so a new shop must too.
     */
    private static function forgetModuleState(): void
    {
        if (class_exists(\Rustbox\Mindbox\Mindbox::class, false)) {
            \Rustbox\Mindbox\Mindbox::setClientFactory(null);
        }
        if (class_exists(\Rustbox\Mindbox\Handlers\User::class, false)) {
            (new \ReflectionProperty(\Rustbox\Mindbox\Handlers\User::class, 'registered'))->setValue(null, []);
        }
    }
}
