<?php
// The admin order page's helper Bitrix\Sale\Helpers\Admin\OrderEdit (sale/lib/helpers/admin/orderedit.php), as far as
// the module can observe what editOrderByFormData() does to an order loaded for /bitrix/admin/sale_order_edit.php:
// - the simple fields first (fillSimpleFields): ORDER[COMMENTS], and STATUS_ID when the form has one;
// - the form's PRODUCT rows are keyed by basket code, as the page renders them (a stored line's code is its ID): every
//   line of the order whose code has no row is deleted (BasketItem::delete(), so its events fire now and the row
//   goes with the save); a row whose code is a line's sets that line's NAME and QUANTITY (and, with CUSTOM_PRICE = Y,
//   its PRICE); a row under a code of no line ("n1", "n2", … as the page's script numbers added products, or "new")
//   makes a new line under that code ("new" becomes "n<k+1>" after the highest "n<k>" of the form, or a fresh
//   code) with the row's MODULE, OFFER_ID (else PRODUCT_ID), NAME, PRODUCT_XML_ID, CURRENCY (the order's when
//   missing), BASE_PRICE, DISCOUNT_PRICE and QUANTITY: prices come from the form, as the real helper takes them for
//   a stored order (the provider is asked for availability, not for the price);
// - an empty PRODUCT list is an error (SALE_ORDEREDIT_ERROR_NO_PRODUCTS), nothing else is done;
// - USER_ID is set again without its effects (setFieldNoDemand), which marks the order changed for 1C (UPDATED_1C = N);
// - then the order's final action, doFinalAction() with whether a line's QUANTITY, PRICE or CUSTOM_PRICE changed or a
//   line was added (OnBeforeSaleOrderFinalAction and OnAfterSaleOrderFinalAction only then; its APPLY-mode discounts
//   keep a stored order's prices);
// - a row adding a product the order already has is merged by the real helper (Basket::getExistsItem()); the fake
//   refuses it with a LogicException rather than guess, as it does for a form without basket codes;
// - nothing is saved: the page saves (FakeShop::editOrderAsManager(), backoffice.php).

namespace Bitrix\Sale\Helpers\Admin {

    use Bitrix\Sale;

    class OrderEdit
    {
        public const BASKET_CODE_NEW = 'new';

        /**
         * @param array $formData the page's $_POST: PRODUCT (basket code => row), ORDER[COMMENTS], STATUS_ID
         * @return Sale\Order|null the order, edited
         */
        public static function editOrderByFormData(array $formData, Sale\Order $order, $userId, $createUserIfNeed = true, array $files = [], ?Sale\Result &$result = null)
        {
            $result ??= new Sale\Result();
            $order->setFieldNoDemand('USER_ID', (int)($formData['USER_ID'] ?? 0) > 0 ? (int)$formData['USER_ID'] : $order->getUserId());
            if (isset($formData['ORDER']['COMMENTS'])) {
                $result->addErrors($order->setField('COMMENTS', $formData['ORDER']['COMMENTS'])->getErrors());
            }
            if ((string)($formData['STATUS_ID'] ?? '') !== '') {
                $result->addErrors($order->setField('STATUS_ID', $formData['STATUS_ID'])->getErrors());
            }
            $rows = $formData['PRODUCT'] ?? [];
            if (!is_array($rows) || $rows === []) {
                $result->addError(new Sale\ResultError('SALE_ORDEREDIT_ERROR_NO_PRODUCTS', 'SALE_ORDEREDIT_ERROR_NO_PRODUCTS'));
                return $order;
            }
            $basket = $order->getBasket();
            foreach ($basket->getBasketItems() as $item) {
                if (!array_key_exists((string)$item->getBasketCode(), $rows)) {
                    $result->addErrors($item->delete()->getErrors());
                }
            }
            $lastNew = max([0] + array_map(static fn ($code) => str_starts_with((string)$code, 'n') ? (int)substr((string)$code, 1) : 0, array_keys($rows)));
            $meaningful = false;
            foreach ($rows as $code => $row) {
                $item = $code === self::BASKET_CODE_NEW ? null : $basket->getItemByBasketCode($code);
                if ($item === null) {
                    $item = self::newLine($order, $row, $code === self::BASKET_CODE_NEW ? ($lastNew > 0 ? 'n' . ($lastNew + 1) : null) : (string)$code);
                    $meaningful = true;
                }
                $result->addErrors(self::fillLine($item, $row)->getErrors());
                $meaningful = $meaningful || array_intersect(['QUANTITY', 'PRICE', 'CUSTOM_PRICE'], $item->getFields()->getChangedKeys()) !== [];
            }
            $result->addErrors($order->doFinalAction($meaningful)->getErrors());
            return $order;
        }

        private static function newLine(Sale\Order $order, array $row, ?string $code): Sale\BasketItem
        {
            $productId = (int)($row['OFFER_ID'] ?? $row['PRODUCT_ID'] ?? 0);
            $module = (string)($row['MODULE'] ?? 'catalog');
            foreach ($order->getBasket()->getBasketItems() as $line) {
                if ($line->getProductId() === $productId && $line->getField('MODULE') === $module) {
                    throw new \LogicException('The fake OrderEdit does not merge a new row into the line of product ' . $productId);
                }
            }
            if ($code !== null && !str_starts_with($code, 'n')) {
                throw new \LogicException('A row for a line the order does not have: ' . $code);
            }
            $item = $order->getBasket()->createItem($module, $productId, $code);
            $item->setFields([
                'NAME' => (string)($row['NAME'] ?? ''),
                'PRODUCT_XML_ID' => (string)($row['PRODUCT_XML_ID'] ?? ''),
                'CURRENCY' => (string)($row['CURRENCY'] ?? $order->getCurrency()),
                'BASE_PRICE' => (float)($row['BASE_PRICE'] ?? $row['PRICE'] ?? 0.0),
                'DISCOUNT_PRICE' => (float)($row['DISCOUNT_PRICE'] ?? 0.0),
            ]);
            return $item;
        }

        private static function fillLine(Sale\BasketItem $item, array $row): Sale\Result
        {
            $result = new Sale\Result();
            if (isset($row['NAME'])) {
                $item->setField('NAME', $row['NAME']);
            }
            $result->addErrors($item->setField('QUANTITY', (float)$row['QUANTITY'])->getErrors());
            if (($row['CUSTOM_PRICE'] ?? 'N') === 'Y' && isset($row['PRICE'])) {
                $item->setField('CUSTOM_PRICE', 'Y');
                $item->setField('PRICE', (float)$row['PRICE']);
            }
            return $result;
        }
    }
}
