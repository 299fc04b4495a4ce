<?php
// The form of the admin order page /bitrix/admin/sale_order_edit.php (sale/admin/order_edit.php and the basket block
// sale/lib/helpers/admin/blocks/orderbasket.php, which renders each line as PRODUCT[<basket code>][…]), posted by its
// "Apply" button; what OrderEdit::editOrderByFormData() reads of it is in sale/orderedit.php.

namespace MindboxTests\Bitrix\Fakes;

use Bitrix\Sale;

/**
 * The page as rendered for a stored order (a PRODUCT row per line under its basket code, the line's ID, with its
 * fields; the order's comments and status) and what the manager changes on it before "Apply". Products the manager
 * adds get the codes the page's script gives them: "n1", "n2", … in the order they were added.
 */
final class OrderEditForm
{
    private array $rows = [];
    private array $fields;
    private int $added = 0;

    public function __construct(Sale\Order $order)
    {
        foreach ($order->getBasket()->getBasketItems() as $item) {
            $row = array_intersect_key($item->getFieldValues(), array_flip(['MODULE', 'PRODUCT_ID', 'NAME', 'QUANTITY', 'BASE_PRICE', 'PRICE',
                'DISCOUNT_PRICE', 'CUSTOM_PRICE', 'CURRENCY', 'PRODUCT_XML_ID']));
            $this->rows[$item->getBasketCode()] = ['BASKET_CODE' => $item->getBasketCode(), 'OFFER_ID' => $item->getProductId()] + $row;
        }
        $this->fields = [
            'ID' => $order->getId(),
            'SITE_ID' => $order->getSiteId(),
            'USER_ID' => $order->getUserId(),
            'STATUS_ID' => $order->getField('STATUS_ID'),
            'ORDER' => ['COMMENTS' => (string)$order->getField('COMMENTS')],
        ];
    }

    /** A line's quantity typed in (the line by its basket ID). */
    public function quantity(int $basketId, float $quantity): self
    {
        $this->row($basketId)['QUANTITY'] = $quantity;
        return $this;
    }

    /** A line's price typed in: the line's price becomes custom. */
    public function price(int $basketId, float $price): self
    {
        $row = &$this->row($basketId);
        $row['CUSTOM_PRICE'] = 'Y';
        $row['PRICE'] = $price;
        return $this;
    }

    /** A line's "delete" in the basket block: its row leaves the form. */
    public function remove(int $basketId): self
    {
        $this->row($basketId);
        unset($this->rows[$basketId]);
        return $this;
    }

    /** A product added through the page's product search, with the catalogue's prices the page fetched for it. */
    public function add(int $productId, string $xmlId, float $quantity, float $basePrice, float $discount = 0.0, string $name = ''): self
    {
        $code = 'n' . ++$this->added;
        $this->rows[$code] = [
            'BASKET_CODE' => $code,
            'MODULE' => 'catalog',
            'PRODUCT_ID' => $productId,
            'OFFER_ID' => $productId,
            'NAME' => $name !== '' ? $name : 'Product ' . $productId,
            'PRODUCT_XML_ID' => $xmlId,
            'QUANTITY' => $quantity,
            'BASE_PRICE' => $basePrice,
            'DISCOUNT_PRICE' => $discount,
            'PRICE' => $basePrice - $discount,
            'CUSTOM_PRICE' => 'N',
        ];
        return $this;
    }

    public function status(string $statusId): self
    {
        $this->fields['STATUS_ID'] = $statusId;
        return $this;
    }

    public function comment(string $comments): self
    {
        $this->fields['ORDER']['COMMENTS'] = $comments;
        return $this;
    }

    /** What "Apply" posts. */
    public function post(): array
    {
        return $this->fields + ['PRODUCT' => $this->rows, 'apply' => 'Y'];
    }

    private function &row(int $basketId): array
    {
        if (!isset($this->rows[$basketId])) {
            throw new \LogicException('The order has no line ' . $basketId . ' on the page');
        }
        return $this->rows[$basketId];
    }
}
