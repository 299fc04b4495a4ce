<?php

namespace Rustbox\Mindbox\History;

use Bitrix\Main\Type\DateTime;
use Bitrix\Sale\Order;

/**
 * A site's orders for the history, a page at a time by ID (keyset), below the run's bound and placed since its date:
 * one query for the page's orders (Order::loadByFilter()), their baskets as the mapping reads them.
 */
final class OrderReader
{
    /** @param int $below the first order id not exported */
    public function __construct(
        private readonly string $siteId,
        private readonly int $below,
        private readonly ?DateTime $since,
        private readonly int $pageSize,
    ) {
    }

    /** The highest order id there is, 0 when there is none. */
    public static function lastId(): int
    {
        $row = Order::getList(['select' => ['ID'], 'order' => ['ID' => 'DESC'], 'limit' => 1])->fetch();
        return is_array($row) ? (int)$row['ID'] : 0;
    }

    public function total(): int
    {
        return Order::getList(['select' => ['ID'], 'filter' => $this->filter(0), 'limit' => 1, 'count_total' => true])->getCount();
    }

    /** @return list<Order> the orders after $afterId, by ID */
    public function page(int $afterId): array
    {
        return Order::loadByFilter(['filter' => $this->filter($afterId), 'order' => ['ID' => 'ASC'], 'limit' => $this->pageSize]);
    }

    /** @return list<string> the Bitrix statuses of the orders to export that are not cancelled */
    public function statusesInUse(): array
    {
        $rows = Order::getList(['select' => ['STATUS_ID'], 'filter' => $this->filter(0) + ['=CANCELED' => 'N'], 'group' => ['STATUS_ID']]);
        return array_values(array_unique(array_map('strval', array_column($rows->fetchAll(), 'STATUS_ID'))));
    }

    private function filter(int $afterId): array
    {
        return ['>ID' => $afterId, '<ID' => $this->below] + ($this->siteId !== '' ? ['=LID' => $this->siteId] : [])
            + ($this->since !== null ? ['>=DATE_INSERT' => $this->since] : []);
    }
}
