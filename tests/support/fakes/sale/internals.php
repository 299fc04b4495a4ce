<?php
// The D7 side of cart rules: deleting one as the core's own cart rules list does (sale/admin/discount.php calls
// Sale\Internals\DiscountTable::delete(); CSaleDiscount::Delete() only wraps it). Real files:
// main/lib/orm/data/datamanager.php (delete and its entity events), main/lib/orm/data/deleteresult.php,
// main/lib/orm/eventresult.php, sale/lib/internals/discount.php (onDelete, onAfterDelete),
// sale/lib/internals/discountcoupon.php (deleteByDiscount).

namespace Bitrix\Main\ORM {

    /** An entity event's answer: a handler of OnBefore* that adds an error vetoes the operation. */
    class EventResult extends \Bitrix\Main\EventResult
    {
        private array $errors = [];

        public function __construct()
        {
            parent::__construct(self::SUCCESS);
        }

        public function addError(\Bitrix\Main\Error $error)
        {
            $this->errors[] = $error;
        }

        public function getErrors()
        {
            return $this->errors;
        }

        public function getType()
        {
            return $this->errors === [] ? self::SUCCESS : self::ERROR;
        }
    }
}

namespace Bitrix\Main\ORM\Data {

    class DeleteResult extends \Bitrix\Main\Result
    {
    }
}

namespace Bitrix\Sale\Internals {

    use Bitrix\Main\ORM\Data\DeleteResult;
    use Bitrix\Main\ORM\Event;
    use Bitrix\Main\ORM\EventResult;

    /**
     * b_sale_discount through the ORM. delete() fires the entity's events under their old names (DiscountOnBeforeDelete,
     * DiscountOnDelete, DiscountOnAfterDelete, parameter id = the primary): an error added by an OnBeforeDelete handler
     * vetoes it, and an exception of any handler leaves delete() unchanged. A missing row is deleted "successfully".
     * The rule's user groups, modules and entities go with its row (the fake keeps them inside it); its coupons go
     * in onAfterDelete, as the core does for a rule with USE_COUPONS = Y, which is every rule that has coupons.
     */
    class DiscountTable
    {
        public static function delete($primary)
        {
            $id = (int)(is_array($primary) ? ($primary['ID'] ?? 0) : $primary);
            $result = new DeleteResult();
            $before = new Event('sale', 'DiscountOnBeforeDelete', ['id' => ['ID' => $id]]);
            $before->send();
            foreach ($before->getResults() as $answer) {
                if ($answer instanceof EventResult) {
                    array_map([$result, 'addError'], $answer->getErrors());
                }
            }
            if (!$result->isSuccess()) {
                return $result;
            }
            (new Event('sale', 'DiscountOnDelete', ['id' => ['ID' => $id]]))->send();
            if (\CSaleDiscount::fakeRemove($id) !== null) {
                DiscountCouponTable::deleteByDiscount($id);
            }
            (new Event('sale', 'DiscountOnAfterDelete', ['id' => ['ID' => $id]]))->send();
            return $result;
        }
    }

    /** b_sale_discount_coupon: the coupons an administrator made for a rule. */
    class DiscountCouponTable
    {
        private static array $rows = [];
        private static int $nextId = 1;

        public static function fakeReset(): void
        {
            self::$rows = [];
            self::$nextId = 1;
        }

        public static function fakeAdd(int $discountId, string $coupon): int
        {
            $id = self::$nextId++;
            self::$rows[$id] = ['ID' => $id, 'DISCOUNT_ID' => $discountId, 'COUPON' => $coupon, 'ACTIVE' => 'Y'];
            return $id;
        }

        public static function fakeRows(): array
        {
            return self::$rows;
        }

        public static function deleteByDiscount($discount)
        {
            self::$rows = array_filter(self::$rows, static fn (array $row) => $row['DISCOUNT_ID'] !== (int)$discount);
        }
    }
}
