<?php
// Small pieces of the sale module: results (sale/lib/result.php, resulterror.php), setting several fields at once
// (sale/lib/internals/entity.php), price rounding (sale/lib/pricemaths.php) and the shopper id of a browser
// (sale/lib/fuser.php).

namespace Bitrix\Sale {

    use Bitrix\Main\Config\Option;

    class ResultError extends \Bitrix\Main\Error
    {
    }

    class Result extends \Bitrix\Main\Result
    {
        private $id = null;

        public function setId($id)
        {
            $this->id = $id;
        }

        public function getId()
        {
            return $this->id;
        }
    }

    /**
     * Internals\Entity::setFields(), which the order, its basket items, their properties and payments share: each field
     * through the entity's own setField(), the errors of all in one result.
     */
    trait SetsFields
    {
        public function setFields(array $values)
        {
            $result = new Result();
            foreach ($values as $name => $value) {
                $result->addErrors($this->setField($name, $value)->getErrors());
            }
            return $result;
        }
    }

    /**
     * PriceMaths::roundPrecision(): PHP's round() (half away from zero) at the sale option value_precision, read once
     * per hit. The real option falls back to sale's default_option.php (2), which the fake core does not ship, hence
     * the explicit default.
     */
    class PriceMaths
    {
        private static ?int $precision = null;

        public static function fakeReset(): void
        {
            self::$precision = null;
        }

        public static function roundPrecision($value)
        {
            if (self::$precision === null) {
                self::$precision = (int)Option::get('sale', 'value_precision', '2');
                if (self::$precision < 0) {
                    self::$precision = 2;
                }
            }
            return round((float)$value, self::$precision);
        }
    }

    /**
     * b_sale_fuser: the shopper id of a browser, tied to a user once they log in. getUserIdById() is an int, 0 for a
     * guest's shopper id and for one that does not exist.
     */
    class Fuser
    {
        private static array $users = [];
        private static int $nextId = 1;
        private static ?int $current = null;

        public static function fakeReset(): void
        {
            self::$users = [];
            self::$nextId = 1;
            self::$current = null;
        }

        /** A new browser session: the shopper id it will get (or had, when given). */
        public static function fakeSetCurrent(?int $fuserId): void
        {
            self::$current = $fuserId;
        }

        /** The current browser's shopper id, null while it has none. */
        public static function fakeCurrent(): ?int
        {
            return self::$current;
        }

        /** What the sale module does on log-in: the browser's shopper id now belongs to the user. */
        public static function fakeAttachUser(int $fuserId, int $userId): void
        {
            self::$users[$fuserId] = $userId;
        }

        /** A guest without a shopper id gets 0 with $skipCreate, a new one otherwise. */
        public static function getId($skipCreate = false)
        {
            if (self::$current === null) {
                if ($skipCreate) {
                    return 0;
                }
                self::$current = self::$nextId++;
                self::$users[self::$current] = 0;
            }
            return self::$current;
        }

        public static function getIdByUserId($userId)
        {
            $id = array_search((int)$userId, self::$users, true);
            return $id === false ? false : $id;
        }

        public static function getUserIdById($fuserId)
        {
            return (int)(self::$users[(int)$fuserId] ?? 0);
        }
    }
}
