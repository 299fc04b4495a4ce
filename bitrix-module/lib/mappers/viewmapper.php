<?php

namespace Rustbox\Mindbox\Mappers;

use Rustbox\Mindbox\Config\Settings;

/**
 * A catalogue element or section a visitor views → the data of Website.ViewProduct / Website.ViewCategory, which the
 * tracker sends from the page, with the ids the server sends for the same products.
 */
final class ViewMapper
{
    private readonly ProductIds $productIds;

    public function __construct(Settings $settings)
    {
        $this->productIds = new ProductIds($settings);
    }

    /** null when there is no such element */
    public function product(int $elementId): ?array
    {
        $ids = $this->productIds->ofElement($elementId);
        return $ids === null ? null : ['viewProduct' => ['product' => ['ids' => $ids]]];
    }

    /** null when there is no such section */
    public function category(int $sectionId): ?array
    {
        $ids = $this->productIds->ofSection($sectionId);
        return $ids === null ? null : ['viewProductCategory' => ['productCategory' => ['ids' => $ids]]];
    }
}
