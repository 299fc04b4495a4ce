<?php
// What UpgradeReleaseTest's processes of the fake site do (orders.php, checkout.php): the same with either release.

declare(strict_types=1);

namespace MindboxTests\Bitrix\Release;

use Bitrix\Main\Event;
use Bitrix\Main\EventManager;
use Bitrix\Main\EventResult;
use MindboxTests\Bitrix\Fakes\FakeShop;

final class Hits
{
    /**
     * What the module hands to the extension in this process, [operation, transactionId] each, through its own event
     * OnBeforeSend (site code's way in, in both releases): a send without a transactionId of its own gets one drawn
     * here, so that the test can find every event in what Mindbox received.
     */
    public static function recordSends(): \ArrayObject
    {
        $sends = new \ArrayObject();
        EventManager::getInstance()->addEventHandler('rustbox.mindbox', 'OnBeforeSend', static function (Event $event) use ($sends): EventResult {
            $options = (array)$event->getParameter('options');
            $options['transactionId'] ??= sprintf('%08x-%04x-4%03x-a%03x-%012x', random_int(0, 0xffffffff), random_int(0, 0xffff),
                random_int(0, 0xfff), random_int(0, 0xfff), random_int(0, 0xffffffffffff));
            $sends[] = ['operation' => $event->getParameter('operation'), 'transactionId' => $options['transactionId']];
            return new EventResult(EventResult::SUCCESS, ['options' => $options]);
        });
        return $sends;
    }

    /**
     * A customer's checkout on a public page of the site: prolog (the module included by its OnProlog handler, as on
     * every page), the cart filled and the order placed by sale.order.ajax's "place order", epilog.
     *
     * @return array{order: int, errors: list<string>}
     */
    public static function checkout(FakeShop $shop, int $userId): array
    {
        $shop->visit(post: ['via_ajax' => 'Y', 'soa-action' => 'saveOrderAjax'], page: '/personal/order/make/');
        $shop->logIn($userId);
        $placed = null;
        $shop->page(static function () use ($shop, &$placed): void {
            $shop->fillCart([[10, 'SKU-10', 2, 1000.0, 0.0], [11, 'SKU-11', 1, 450.0, 50.0]]);
            $placed = $shop->checkout(true, 300.0);
        });
        return ['order' => (int)$placed['order']->getId(), 'errors' => array_values($placed['result']['ERROR'])];
    }
}
