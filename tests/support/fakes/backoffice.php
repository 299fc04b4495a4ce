<?php
// No core file: the hits of the shop's back office on the fake core — a manager's pages under /bitrix/admin/, the 1C
// exchange, a REST call — each in a browser (or client) of its own; the pages they stand for are named on each method.

namespace MindboxTests\Bitrix\Fakes;

use Bitrix\Main\Application;
use Bitrix\Main\Context;
use Bitrix\Main\HttpRequest;
use Bitrix\Main\Page\Asset;
use Bitrix\Main\Type\Date;
use Bitrix\Sale;
use Bitrix\Sale\Helpers\Admin\OrderEdit;

/**
 * FakeShop's back-office hits. Each runs as a hit of another browser: its own PHP session (kept per user across its
 * hits), the user logged in there before (no log-in event now), no shopper id, the request of that page, the module's
 * per-request state forgotten; afterwards the shop is back at the visitor's browser, on a new hit of the page it was on.
 * The manager is an administrator made on first use (manager()); so is the 1C exchange's user (exchangeUser()).
 */
trait BackOfficeHits
{
    /** @var array<int, array> each back-office user's PHP session */
    private array $backOfficeSessions = [];
    private ?int $managerId = null;
    private ?int $exchangeUserId = null;

    public function manager(): int
    {
        return $this->managerId ??= \CUser::fakeExisting(['LOGIN' => 'manager', 'EMAIL' => 'manager@example.com', 'ADMIN' => 'Y']);
    }

    public function exchangeUser(): int
    {
        return $this->exchangeUserId ??= \CUser::fakeExisting(['LOGIN' => '1c-exchange', 'EMAIL' => '1c@example.com', 'ADMIN' => 'Y']);
    }

    /**
     * "Apply" on /bitrix/admin/sale_order_edit.php?ID=… (sale/admin/order_edit.php): the page loads the order, $edit
     * changes the rendered form (OrderEditForm), OrderEdit::editOrderByFormData() applies the posted form and, if it
     * found nothing wrong, the page saves the order. Coupons, the discounts' APPLY-mode recalculation, the order's lock
     * and "refresh data and save" are not played.
     *
     * @param callable(OrderEditForm): mixed $edit
     * @return Sale\Result the page's errors (editOrderByFormData's, then the save's); its id is the order's when saved
     */
    public function editOrderAsManager(int $orderId, callable $edit): Sale\Result
    {
        $order = Sale\Order::load($orderId) ?? throw new \LogicException('No order ' . $orderId);
        $form = new OrderEditForm($order);
        $edit($form);
        $page = static function () use ($orderId): Sale\Result {
            $result = new Sale\Result();
            $order = Sale\Order::load($orderId);
            $posted = Context::getCurrent()->getRequest()->getPostList()->toArray();
            OrderEdit::editOrderByFormData($posted, $order, $GLOBALS['USER']->GetID(), true, [], $result);
            return $result->isSuccess() ? $order->save() : $result;
        };
        return $this->backOfficeHit($this->manager(), '/bitrix/admin/sale_order_edit.php', ['ID' => $orderId, 'lang' => 'en'], $form->post(), true, $page);
    }

    /**
     * The order page's "Cancel order" / "Undo cancellation" (sale/admin/order_ajax.php, action cancelOrder): CANCELED
     * toggled, REASON_CANCELED set to $reason (cleared on undoing), one save.
     */
    public function cancelOrderAsManager(int $orderId, bool $cancel = true, string $reason = ''): Sale\Result
    {
        return $this->orderAjax($orderId, ['action' => 'cancelOrder', 'canceled' => $cancel ? 'N' : 'Y', 'comment' => $reason], static function (Sale\Order $order) use ($cancel, $reason): Sale\Result {
            if ($order->isCanceled() === $cancel) {
                return self::pageError($cancel ? 'SALE_OA_ERROR_CANCEL_ORDER_ALREADY' : 'SALE_OA_ERROR_CANCEL_ORDER_NOT_YET');
            }
            $result = $order->setField('CANCELED', $cancel ? 'Y' : 'N');
            if ($result->isSuccess()) {
                $order->setField('REASON_CANCELED', $cancel ? $reason : '');
            }
            return $result;
        });
    }

    /**
     * Paying in the admin: the first unpaid payment gets "Paid" (sale/admin/order_ajax.php, updatePaymentStatus with
     * method=save); an order with none gets a payment of what is left to pay, paid (sale_order_payment_edit.php).
     */
    public function payAsManager(int $orderId, int $paySystemId = 2): Sale\Result
    {
        return $this->orderAjax($orderId, ['action' => 'updatePaymentStatus', 'method' => 'save'], static function (Sale\Order $order) use ($paySystemId): Sale\Result {
            foreach ($order->getPaymentCollection() as $payment) {
                if (!$payment->isPaid()) {
                    return $payment->setPaid('Y');
                }
            }
            $payment = $order->getPaymentCollection()->createItem();
            $payment->setFields(['PAY_SYSTEM_ID' => $paySystemId, 'SUM' => $order->getPrice() - $order->getSumPaid()]);
            return $payment->setPaid('Y');
        });
    }

    /**
     * Unpaying in the admin (sale/admin/order_ajax.php, updatePaymentStatus with the "return" form): the payment (the
     * first paid one unless given) gets PAY_RETURN_DATE, then Payment::setReturn($returnTo) — Y to the buyer's inner
     * account, P through the pay system — or, with $returnTo null, only setPaid('N'); then the order is saved.
     */
    public function returnPaymentAsManager(int $orderId, ?string $returnTo = Sale\Payment::RETURN_INNER, ?int $paymentId = null): Sale\Result
    {
        $post = ['action' => 'updatePaymentStatus', 'method' => 'cancel', 'paymentId' => $paymentId];
        return $this->orderAjax($orderId, $post, static function (Sale\Order $order) use ($returnTo, $paymentId): Sale\Result {
            $paid = array_filter(iterator_to_array($order->getPaymentCollection()), static fn (Sale\Payment $p) => $p->isPaid());
            $payment = $paymentId === null ? reset($paid) : $order->getPaymentCollection()->getItemById($paymentId);
            if (!$payment) {
                return self::pageError('SALE_OA_ERROR_PAYMENT_NOT_FOUND');
            }
            $payment->setField('PAY_RETURN_DATE', new Date());
            return $returnTo === null ? $payment->setPaid('N') : $payment->setReturn($returnTo);
        });
    }

    /**
     * A new delivery price on the shipment's page /bitrix/admin/sale_order_shipment_edit.php
     * (sale/admin/order_shipment_edit.php): the shipment's price moves the order's PRICE_DELIVERY and PRICE; one save.
     */
    public function changeDeliveryAsManager(int $orderId, float $price): Sale\Result
    {
        $query = ['order_id' => $orderId, 'lang' => 'en'];
        return $this->backOfficeHit($this->manager(), '/bitrix/admin/sale_order_shipment_edit.php', $query, ['apply' => 'Y'], true, static function () use ($orderId, $price): Sale\Result {
            $order = Sale\Order::load($orderId);
            $result = $order->setField('PRICE_DELIVERY', $price);
            return $result->isSuccess() ? $order->save() : $result;
        });
    }

    /**
     * 1C sends an order document: /bitrix/admin/1c_exchange.php?type=sale&mode=file (sale/admin/1c_exchange.php, no
     * ADMIN_SECTION for type=sale) by the exchange's user; what the loader does with it: OneCOrderLoader.
     *
     * @return Sale\Result the loader's errors for the document
     */
    public function exchangeWith1C(int $orderId, array $document): Sale\Result
    {
        return $this->backOfficeHit($this->exchangeUser(), '/bitrix/admin/1c_exchange.php', ['type' => 'sale', 'mode' => 'file', 'filename' => 'orders.xml'], [], false,
            static fn (): Sale\Result => (new OneCOrderLoader())->import($orderId, $document));
    }

    /**
     * A REST call, e.g. sale.order.update through an inbound webhook: /rest/<user>/<token>/<method>.json, which the
     * site's urlrewrite hands to /bitrix/services/rest/index.php; the webhook's user (the manager unless given) is the
     * hit's user. $work is what the method does on the core.
     */
    public function restCall(string $method, callable $work, ?int $userId = null): mixed
    {
        $userId ??= $this->manager();
        return $this->backOfficeHit($userId, '/rest/' . $userId . '/webhooktoken/' . $method . '.json', [], [], false, $work);
    }

    /**
     * The order's page as a manager (by default the administrator) opens it: /bitrix/admin/sale_order_view.php?ID=…
     * (sale/admin/order_view.php), or with $edit sale_order_edit.php (order_edit.php, where the tabs are inside the
     * page's form). Either page makes CAdminTabEngine("OnAdminSaleOrderView" or "OnAdminSaleOrderEdit", ['ID' => id])
     * and its tab control (main/interface/admin_tabcontrol.php) adds the engine's tabs after its own and shows each
     * custom one by ShowTab() inside the tab's table body. The pages' own tabs and the core's rights checks on the
     * order are not played.
     *
     * @return array<string, string> each custom tab's content by its DIV (TABSET_div)
     */
    public function openOrderPage(int $orderId, bool $edit = false, ?int $userId = null): array
    {
        $page = $edit ? '/bitrix/admin/sale_order_edit.php' : '/bitrix/admin/sale_order_view.php';
        return $this->backOfficeHit($userId ?? $this->manager(), $page, ['ID' => $orderId, 'lang' => 'en'], [], true, static function () use ($orderId, $edit): array {
            $tabber = new \CAdminTabEngine($edit ? 'OnAdminSaleOrderEdit' : 'OnAdminSaleOrderView', ['ID' => $orderId]);
            $shown = [];
            foreach ($tabber->GetTabs() ?: [] as $tab) {
                ob_start();
                $tabber->ShowTab($tab['DIV']);
                $shown[$tab['DIV']] = (string)ob_get_clean();
            }
            return $shown;
        }, posted: false);
    }

    /**
     * A page of the back office (a module's admin page under /bitrix/admin/, with the admin prolog) as $userId (the
     * administrator by default) requests it: posted when $post is given, with the session's token unless $post brings
     * its own; $work is what the page does.
     */
    public function adminPage(string $path, array $query, array $post, callable $work, ?int $userId = null): mixed
    {
        return $this->backOfficeHit($userId ?? $this->manager(), $path, $query, $post, true, $work, posted: $post !== []);
    }

    /** A request of sale/admin/order_ajax.php: the order loaded, $change, and the order saved if it went through. */
    private function orderAjax(int $orderId, array $post, callable $change): Sale\Result
    {
        return $this->backOfficeHit($this->manager(), '/bitrix/admin/sale_order_ajax.php', [], ['orderId' => $orderId] + $post, true, static function () use ($orderId, $change): Sale\Result {
            $order = Sale\Order::load($orderId);
            $result = $order === null ? self::pageError('SALE_OA_ERROR_LOAD_ORDER') : $change($order);
            return $result->isSuccess() ? $order->save() : $result;
        });
    }

    private static function pageError(string $code): Sale\Result
    {
        $result = new Sale\Result();
        $result->addError(new Sale\ResultError($code, $code));
        return $result;
    }

    /**
     * A POST of another browser (see the trait's comment), with its session's token; $adminProlog: ADMIN_SECTION. Not
     * $posted: a GET of the page, no token.
     */
    private function backOfficeHit(int $userId, string $path, array $query, array $post, bool $adminProlog, callable $work, bool $posted = true): mixed
    {
        $application = Application::getInstance();
        $visitor = [$application->getContext(), $_SESSION, \CUser::fakeSessionUser(), Sale\Fuser::fakeCurrent()];
        $_SESSION = $this->backOfficeSessions[$userId] ?? [];
        \CUser::fakeSetSessionUser($userId);
        Sale\Fuser::fakeSetCurrent(null);
        $uri = $path . ($query === [] ? '' : '?' . http_build_query($query));
        $server = ['REMOTE_ADDR' => '10.0.0.5', 'REQUEST_METHOD' => $posted ? 'POST' : 'GET', 'REQUEST_URI' => $uri];
        $application->setContext(new Context(new HttpRequest($query, $posted ? $post + ['sessid' => bitrix_sessid()] : [], [], $server, $adminProlog)));
        $this->newHit();
        try {
            return $work();
        } finally {
            $this->backOfficeSessions[$userId] = $_SESSION;
            [$context, $_SESSION, $sessionUser, $fuser] = $visitor;
            $application->setContext($context);
            \CUser::fakeSetSessionUser($sessionUser === null ? null : (int)$sessionUser);
            Sale\Fuser::fakeSetCurrent($fuser);
            $this->newHit();
        }
    }

    /** What a new hit starts without: the page's assets, the module's per-request state, the basket codes' counter. */
    private function newHit(): void
    {
        Asset::fakeReset();
        Sale\BasketItem::fakeReset();
        self::forgetModuleState(keepSiteCode: true);
    }
}
