<?php
// What the 1C exchange does to an order that 1C sends back (components/bitrix/sale.export.1c, mode=file, and its loader
// sale/general/order_loader.php, CSaleOrderLoader: updateOrderWithoutShipmentsPayments() and
// nodeHandlerDefaultModuleOneC()), through the old kernel's calls it makes (sale/general/order.php, sale/mysql/order.php
// and sale/lib/compatible/ordercompatibility.php: CSaleOrder::Update, CancelOrder and StatusOrder each load the order,
// change it and save it).

namespace MindboxTests\Bitrix\Fakes;

use Bitrix\Main\Config\Option;
use Bitrix\Sale;

/**
 * One order document of 1C, as the fake takes it:
 *   version   VERSION_1C of the document: one the order already has is skipped whole ('' never is);
 *   id1c      the document's XML_1C_DOCUMENT_ID (default "1c-<order id>");
 *   lines     PRODUCT_XML_ID => [QUANTITY, PRICE; PRODUCT_ID and NAME for a product the order lacks]: the order's lines
 *             as 1C has them, a line missing being removed (absent: the order's lines as they are);
 *   delivery  the delivery service's price; comment: the document's comment;
 *   canceled  true or false (absent: as the order is);
 *   status    1C's status, applied only while the sale option 1C_CHANGE_STATUS_FROM_1C is set.
 * Each step is a save of its own, in the loader's order: the lines (CSaleBasket::DoSaveOrderBasket), the order's
 * fields with UPDATED_1C = Y (CSaleOrder::Update) — both only for an order not paid and not in the final status F,
 * otherwise the document gets the error CC_BSC1_FINAL_NOT_EDIT —, the cancellation or its undoing (CancelOrder: a
 * paid payment is returned to the buyer's inner account first), the status (StatusOrder), UPDATED_1C = Y again after
 * a cancellation, and last UPDATED_1C, VERSION_1C and ID_1C. A loader's step whose save fails adds its errors.
 */
final class OneCOrderLoader
{
    private Sale\Result $result;

    public function import(int $orderId, array $document): Sale\Result
    {
        $this->result = new Sale\Result();
        $info = Sale\Order::load($orderId)?->getFieldValues();
        if ($info === null) {
            return $this->error('CC_BSC1_ORDER_NOT_FOUND');
        }
        $version = (string)($document['version'] ?? '');
        $id1c = (string)($document['id1c'] ?? '1c-' . $orderId);
        if ($version !== '' && $version === (string)($info['VERSION_1C'] ?? '')) {
            return $this->result;
        }
        if ($info['PAYED'] !== 'Y' && $info['STATUS_ID'] !== 'F') {
            if (isset($document['lines'])) {
                $this->step($orderId, fn (Sale\Order $order) => $this->applyLines($order, $document['lines']));
            }
            $this->step($orderId, static function (Sale\Order $order) use ($document, $id1c): Sale\Result {
                $changes = ['ID_1C' => $id1c, 'UPDATED_1C' => 'Y']
                    + (isset($document['delivery']) ? ['PRICE_DELIVERY' => (float)$document['delivery']] : [])
                    + ((string)($document['comment'] ?? '') !== '' ? ['COMMENTS' => $document['comment']] : []);
                return $order->setFields($changes);
            });
        } else {
            $this->error('CC_BSC1_FINAL_NOT_EDIT');
        }
        $cancel = $document['canceled'] ?? null;
        if ($cancel !== null && $cancel !== ($info['CANCELED'] === 'Y')) {
            $this->step($orderId, static function (Sale\Order $order) use ($cancel, $document): Sale\Result {
                foreach ($cancel ? $order->getPaymentCollection() : [] as $payment) {
                    if ($payment->isPaid()) {
                        $payment->setReturn(Sale\Payment::RETURN_INNER);
                    }
                }
                $result = $order->setField('CANCELED', $cancel ? 'Y' : 'N');
                if ($result->isSuccess() && $cancel && (string)($document['comment'] ?? '') !== '') {
                    $order->setField('REASON_CANCELED', $document['comment']);
                }
                return $result;
            });
        }
        $status = (string)($document['status'] ?? '');
        if (Option::get('sale', '1C_CHANGE_STATUS_FROM_1C', '') !== '' && $status !== '' && $status !== $info['STATUS_ID']) {
            $this->step($orderId, static fn (Sale\Order $order) => $order->setField('STATUS_ID', $status));
        }
        if ($cancel !== null && $cancel !== ($info['CANCELED'] === 'Y')) {
            $this->step($orderId, static fn (Sale\Order $order) => $order->setField('UPDATED_1C', 'Y'));
        }
        $this->step($orderId, static function (Sale\Order $order) use ($version, $id1c): void {
            $order->setField('UPDATED_1C', 'Y');
            $order->setField('VERSION_1C', $version);
            $order->setField('ID_1C', $id1c);
        });
        return $this->result;
    }

    /** The order's lines made what 1C has: quantities and prices by PRODUCT_XML_ID, missing lines gone, new ones added. */
    private function applyLines(Sale\Order $order, array $lines): void
    {
        $basket = $order->getBasket();
        foreach ($basket->getBasketItems() as $item) {
            $line = $lines[(string)$item->getField('PRODUCT_XML_ID')] ?? null;
            if ($line === null) {
                $item->delete();
                continue;
            }
            unset($lines[(string)$item->getField('PRODUCT_XML_ID')]);
            $item->setField('QUANTITY', (float)$line['QUANTITY']);
            if (isset($line['PRICE']) && (float)$line['PRICE'] !== $item->getPrice()) {
                $item->setField('CUSTOM_PRICE', 'Y');
                $item->setField('PRICE', (float)$line['PRICE']);
            }
        }
        foreach ($lines as $xmlId => $line) {
            $item = $basket->createItem('catalog', (int)$line['PRODUCT_ID']);
            $item->setFields(['NAME' => (string)($line['NAME'] ?? ''), 'PRODUCT_XML_ID' => (string)$xmlId, 'CURRENCY' => $order->getCurrency(),
                'BASE_PRICE' => (float)$line['PRICE'], 'QUANTITY' => (float)$line['QUANTITY']]);
        }
    }

    /** One call of the old kernel: the order loaded afresh, changed and, unless the change was refused, saved. */
    private function step(int $orderId, callable $change): void
    {
        $order = Sale\Order::load($orderId);
        $changed = $change($order);
        if ($changed instanceof Sale\Result && !$changed->isSuccess()) {
            $this->result->addErrors($changed->getErrors());
            return;
        }
        $this->result->addErrors($order->save()->getErrors());
    }

    private function error(string $code): Sale\Result
    {
        return $this->result->addError(new Sale\ResultError($code, $code));
    }
}
