<?php

declare(strict_types=1);

use Bitrix\Sale\Order;
use MindboxTests\Bitrix\Fakes\FakeShop;
use Random\Engine\Mt19937;
use Random\Randomizer;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\History\Watermark;

/**
 * The benchmark's shop history in the tests' fake core (tests/support/fakes), made as the module reads it: a million
 * order lines are too many for the fake core to hold (about 2 KB a line in PHP's arrays) or to query (it scans every
 * row for each query, and every line for each order it loads). So the fake core holds a window: the next page of
 * users and of orders after what was read, made when the reader is about to need them, and what was read dropped
 * (CUser::fakeForget(), Order::fakeForget()). The module's own code reads them through the core's APIs as it would
 * a shop's database; the cut-over is set where the live sync would have set it, after the last record made.
 *
 * User 1 is the shop's shared anonymous buyer; users 2 … n+1 are the history's, their kind fixed by their number k:
 * k % 11 = 5 inactive, k % 13 = 7 a technical user (neither is a customer), k % 5 = 1 names with the CSV's delimiter,
 * qualifier and a TAB, k % 7 = 3 a phone that is none, k % 4 = 1 a phone of the phone login, k % 5 = 2 a birthday.
 * Orders 1 … m hold exactly the lines asked for, 2, 3, 4, 1 lines by turns (the last one cut), every line bought
 * (so the lines are the rows of the orders' import); order k % 6 = 0 a guest's, k % 8 = 5 cancelled, k % 10 = 3 a
 * fractional quantity, k % 3 = 0 a delivery price; buyers are the first BUYERS users, kept all along.
 */
final class BenchHistoryShop
{
    /** The users the orders are bought by: made first and never dropped. */
    public const BUYERS = 1000;
    public const STATUS_MAP = ['N' => 'CheckedOut', 'P' => 'Paid', 'F' => 'Delivered', 'CANCELED' => 'Cancelled'];
    private const LINES = [2, 3, 4, 1];

    public readonly int $orders;
    private readonly int $buyers;
    private readonly Randomizer $random;
    /** The last user id (order id) made, and dropped. */
    private int $userMade = 0;
    private int $userDropped;
    private int $orderMade = 0;
    private int $orderDropped = 0;
    private int $linesMade = 0;
    /** Seconds spent making and dropping records, for the measurements to leave out. */
    public float $seconds = 0.0;

    /**
     * @param int $users the history's users (customers among them: customers())
     * @param int $lines the orders' lines
     * @param int $window records made ahead of the reader: at least its page
     */
    public function __construct(public readonly int $users, public readonly int $lines, private readonly int $window, int $seed = 1)
    {
        $orders = 0;
        for ($made = 0; $made < $lines; $made += self::LINES[$orders % 4]) {
            $orders++;
        }
        $this->orders = $orders;
        $this->buyers = min(self::BUYERS, $users);
        $this->userDropped = $this->buyers + 1;
        $this->random = new Randomizer(new Mt19937($seed));
    }

    /**
     * The shop the history is exported from: site s1 on an empty fake core, the module installed and set up for the
     * history (the endpoint, the status map of the orders made here, the parts' folder), cron's hit without a request.
     * The caller closes it.
     */
    public static function openShop(string $directory): FakeShop
    {
        $shop = FakeShop::open(['s1' => 'Shop']);
        try {
            $shop->installModule();
            $shop->configure(['endpoint_id' => 'bench-shop', 'status_map' => json_encode(self::STATUS_MAP), 'history_directory' => $directory]);
            $shop->leaveRequest();
        } catch (Throwable $e) {
            $shop->close();
            throw $e;
        }
        return $shop;
    }

    /** How many of the users are customers (active, of no technical kind): the rows of the customers' import. */
    public function customers(): int
    {
        $customers = 0;
        for ($k = 1; $k <= $this->users; $k++) {
            $customers += (int)self::isCustomer($k);
        }
        return $customers;
    }

    /**
     * The anonymous buyer, the buyers, the cut-over after the last record, and the first window. The fake core must be
     * empty (FakeShop::open()).
     */
    public function install(Settings $settings): void
    {
        $this->timed(function () use ($settings): void {
            $anonymous = \CUser::fakeExisting(['LOGIN' => 'anonymous', 'EMAIL' => 'anonymous_0a1b2c3d4@example.com', 'ACTIVE' => 'N',
                'EXTERNAL_AUTH_ID' => 'saleanonymous', 'NAME' => 'Anonymous buyer', 'DATE_REGISTER' => '01.01.2018 00:00:00']);
            if ($anonymous !== 1) {
                throw new LogicException('the fake core was not empty: the anonymous buyer is user ' . $anonymous);
            }
            \COption::SetOptionInt('sale', 'anonymous_user_id', $anonymous);
            Watermark::userHandled($settings, $this->users + 2);
            Watermark::orderHandled($settings, $this->orders + 1);
            $this->makeUsers($this->buyers + 1);
        });
        $this->slide(0, 0);
    }

    /**
     * After the reader read users 1 … $usersRead and orders 1 … $ordersRead (ids are made in a row from 1): those are
     * dropped (but the buyers) and the next window made.
     */
    public function slide(int $usersRead, int $ordersRead): void
    {
        $this->timed(function () use ($usersRead, $ordersRead): void {
            if ($usersRead > $this->userDropped) {
                \CUser::fakeForget(range($this->userDropped + 1, $usersRead));
                $this->userDropped = $usersRead;
            }
            if ($ordersRead > $this->orderDropped) {
                Order::fakeForget(range($this->orderDropped + 1, $ordersRead));
                $this->orderDropped = $ordersRead;
            }
            $this->makeUsers(min($this->users + 1, $usersRead + $this->window));
            while ($this->orderMade < min($this->orders, $ordersRead + $this->window)) {
                $this->makeOrder($this->orderMade + 1);
            }
        });
    }

    private function timed(callable $work): void
    {
        $t = hrtime(true);
        $work();
        $this->seconds += (hrtime(true) - $t) / 1e9;
    }

    private static function isCustomer(int $k): bool
    {
        return $k % 11 !== 5 && $k % 13 !== 7;
    }

    private function makeUsers(int $throughId): void
    {
        while ($this->userMade + 1 < $throughId) {
            $k = $this->userMade + 1;
            $odd = $k % 5 === 1;
            $id = \CUser::fakeExisting([
                'LOGIN' => 'user' . $k,
                'EMAIL' => $k % 12 === 6 ? " User$k@Example.COM " : "user$k@example.com",
                'NAME' => $odd ? 'Анна; "Мария"' : 'Имя' . $k,
                'LAST_NAME' => $odd ? "O'Neil\tСмит" : 'Фамилия' . $k,
                'SECOND_NAME' => $k % 4 === 0 ? 'Ивановна' : '',
                'PERSONAL_PHONE' => $k % 7 === 3 ? 'нет' : ($k % 3 === 0 ? sprintf('+7 (900) %03d-%02d-%02d', intdiv($k, 10000) % 1000, intdiv($k, 100) % 100, $k % 100) : ''),
                'PHONE_NUMBER' => $k % 4 === 1 ? sprintf('+7916%07d', $k % 10000000) : '',
                'PERSONAL_BIRTHDAY' => $k % 5 === 2 ? sprintf('%02d.%02d.%d', 1 + $k % 28, 1 + $k % 12, 1960 + $k % 40) : '',
                'DATE_REGISTER' => date('d.m.Y H:i:s', 1514800000 + 97 * $k),
                'ACTIVE' => $k % 11 === 5 ? 'N' : 'Y',
                'EXTERNAL_AUTH_ID' => $k % 13 === 7 ? 'sale' : '',
            ]);
            $this->userMade = $id - 1;
            if ($this->userMade !== $k) {
                throw new LogicException("user $k was made as user id $id");
            }
        }
    }

    private function makeOrder(int $k): void
    {
        $guest = $k % 6 === 0;
        $buyer = $guest ? 1 : 2 + $this->random->getInt(0, $this->buyers - 1);
        $count = min(self::LINES[$k % 4], $this->lines - $this->linesMade);
        $lines = [];
        $total = 0.0;
        for ($j = 0; $j < $count; $j++) {
            $product = 5001 + $this->random->getInt(0, 39);
            $base = $this->random->getInt(100, 500000) / 100;
            $discount = $this->random->getInt(0, 3) === 0 ? round($base * 0.1, 2) : 0.0;
            $quantity = $k % 10 === 3 ? 1.25 : (float)$this->random->getInt(1, 3);
            $lines[] = ['PRODUCT_ID' => $product, 'PRODUCT_XML_ID' => 'sku-' . $product, 'NAME' => 'Товар ' . $product, 'QUANTITY' => $quantity,
                'BASE_PRICE' => $base, 'DISCOUNT_PRICE' => $discount, 'PRICE' => round($base - $discount, 2)];
            $total += round(($base - $discount) * $quantity, 2);
        }
        $delivery = $k % 3 === 0 ? 300.0 : 0.0;
        $placed = 1546344000 + 611 * $k;
        $id = Order::fakeExisting([
            'USER_ID' => $buyer,
            'STATUS_ID' => ['N', 'P', 'F'][$this->random->getInt(0, 2)],
            'CANCELED' => $k % 8 === 5 ? 'Y' : 'N',
            'PRICE' => round($total + $delivery, 2),
            'PRICE_DELIVERY' => $delivery,
            'DATE_INSERT' => date('d.m.Y H:i:s', $placed),
            'DATE_UPDATE' => date('d.m.Y H:i:s', $placed + 86400 * ($k % 5)),
        ], [
            [['ID' => 1, 'CODE' => 'EMAIL', 'NAME' => 'E-mail', 'IS_EMAIL' => 'Y'], $guest ? "guest$k@example.com" : 'user' . ($buyer - 1) . '@example.com'],
            [['ID' => 2, 'CODE' => 'PHONE', 'NAME' => 'Phone', 'IS_PHONE' => 'Y'], $k % 7 === 3 ? '-' : sprintf('8 (917) 555-%02d-%02d', $k % 100, intdiv($k, 100) % 100)],
        ], $lines);
        if ($id !== $k) {
            throw new LogicException("order $k was made as order id $id");
        }
        $this->orderMade = $k;
        $this->linesMade += $count;
    }
}
