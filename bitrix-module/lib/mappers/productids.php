<?php

namespace Rustbox\Mindbox\Mappers;

use Bitrix\Main\Event;
use Bitrix\Main\EventResult;
use Bitrix\Sale\BasketItem;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Settings;

/**
 * A basket item's product as Mindbox ids. The id must equal the one in the product feed, so it is the element's
 * XML_ID or ID (option `product_id_source`), and the module event `rustbox.mindbox:OnGetProductId` (parameters
 * `item`, `productId`, `siteId`; result parameter `productId`) lets a site pick another one.
 */
final class ProductIds
{
    public const EVENT = 'OnGetProductId';

    public function __construct(private readonly Settings $settings)
    {
    }

    public function of(BasketItem $item): array
    {
        $xmlId = (string)$item->getField('PRODUCT_XML_ID');
        $productId = $this->settings->productIdSource() === 'XML_ID' && $xmlId !== ''
            ? $xmlId
            : (string)$item->getProductId();

        $event = new Event(Mindbox::MODULE_ID, self::EVENT, [
            'item' => $item,
            'productId' => $productId,
            'siteId' => $this->settings->siteId(),
        ]);
        $event->send();
        foreach ($event->getResults() as $result) {
            $changed = $result->getParameters()['productId'] ?? null;
            if ($result->getType() !== EventResult::ERROR && is_scalar($changed) && (string)$changed !== '') {
                $productId = (string)$changed;
            }
        }
        return [$this->settings->productIdKey() => $productId];
    }
}
