<?php
// Dates of the ORM (main/lib/type/date.php, datetime.php): a Date is a day at midnight, a DateTime a moment, both in
// the server's time zone, parsed in the site's format unless one is given (the fake's site is Russian: d.m.Y).

namespace Bitrix\Main\Type {

    use Bitrix\Main\ObjectException;

    class Date
    {
        /** @var \DateTime */
        protected $value;

        public function __construct($date = null, $format = null)
        {
            $this->value = new \DateTime();
            if ($date !== null && $date !== '') {
                $parsed = \DateTime::createFromFormat('!' . ($format ?? static::getFormat()), (string)$date);
                if ($parsed === false) {
                    throw new ObjectException('Incorrect date: ' . $date);
                }
                $this->value = $parsed;
            }
            $this->value->setTime(0, 0, 0);
        }

        public function format($format)
        {
            return $this->value->format($format);
        }

        public function getTimestamp()
        {
            return $this->value->getTimestamp();
        }

        public function toString()
        {
            return $this->format(static::getFormat());
        }

        public function __toString()
        {
            return $this->toString();
        }

        public function __clone()
        {
            $this->value = clone $this->value;
        }

        public static function getFormat()
        {
            return 'd.m.Y';
        }

        public static function createFromTimestamp($timestamp)
        {
            $date = new static();
            $date->value->setTimestamp((int)$timestamp);
            return $date;
        }
    }

    class DateTime extends Date
    {
        public function __construct($time = null, $format = null, ?\DateTimeZone $timezone = null)
        {
            $this->value = new \DateTime('now', $timezone);
            if ($time !== null && $time !== '') {
                $parsed = \DateTime::createFromFormat('!' . ($format ?? static::getFormat()), (string)$time, $timezone);
                if ($parsed === false) {
                    throw new ObjectException('Incorrect date/time: ' . $time);
                }
                $this->value = $parsed;
            }
        }

        public static function getFormat()
        {
            return 'd.m.Y H:i:s';
        }
    }
}

namespace Bitrix\Main {

    class ObjectException extends SystemException
    {
    }
}
