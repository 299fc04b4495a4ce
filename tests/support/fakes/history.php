<?php
// No core file: a shop's history for tests, written into the fake main and sale modules as a shop's users and orders
// from before the module sit in its database (CUser::fakeExisting(), Order::fakeExisting(): no event fires).

namespace MindboxTests\Bitrix\Fakes;

use Random\Engine\Mt19937;
use Random\Randomizer;

/**
 * Users 1…n, then the shop's shared anonymous buyer; orders 1…m of site s1, placed from 2019 on. Which record is odd is
 * fixed by its number k: user k % 11 = 5 inactive, k % 13 = 7 a technical user (the sale module's), k % 10 = 4 without
 * an e-mail, k % 7 = 3 a phone that is none, k % 5 = 1 names with the CSV's delimiter and qualifier, k % 5 = 2 a birthday;
 * order k % 6 = 0 a guest's (the anonymous buyer's), k % 9 = 4 an inactive user's, k % 8 = 5 cancelled, k % 17 = 9
 * with nothing but put-aside lines (no row at all), k % 7 = 2 a put-aside line and k % 8 = 3 one that cannot be bought
 * among its lines, k % 10 = 3 a fractional quantity, k % 3 = 0 a delivery price. The rest (statuses, buyers, products,
 * prices) is drawn from the seed. Products are the catalogue's sellable elements when one is given, with their XML_ID
 * as the catalog's basket provider puts it on a line.
 */
final class FakeHistory
{
    public const STATUSES = ['N', 'P', 'F'];

    private Randomizer $random;
    /** @var list<int> */
    private array $customers = [];
    /** @var list<int> */
    private array $inactive = [];
    private int $anonymous = 0;
    /** @var list<int> */
    private array $orders = [];
    /** @var list<array{int, string}> element id, XML_ID */
    private array $products = [];

    private function __construct(int $seed)
    {
        $this->random = new Randomizer(new Mt19937($seed));
    }

    public static function install(int $users, int $orders, int $seed = 1, ?FakeCatalogue $catalogue = null): self
    {
        $history = new self($seed);
        $history->products = $catalogue === null
            ? array_map(static fn (int $id) => [$id, 'sku-' . $id], range(5001, 5040))
            : array_map(static fn (int $id) => [$id, (string)\Bitrix\Iblock\FakeStore::$elements[$id]['XML_ID']], self::sellable($catalogue));
        for ($k = 1; $k <= $users; $k++) {
            $history->user($k);
        }
        $history->anonymous = \CUser::fakeExisting(['LOGIN' => 'anonymous', 'EMAIL' => 'anonymous_0a1b2c3d4@example.com',
            'ACTIVE' => 'N', 'EXTERNAL_AUTH_ID' => 'saleanonymous', 'NAME' => 'Anonymous buyer', 'DATE_REGISTER' => '01.01.2018 00:00:00']);
        \COption::SetOptionInt('sale', 'anonymous_user_id', $history->anonymous);
        for ($k = 1; $k <= $orders; $k++) {
            $history->order($k);
        }
        return $history;
    }

    /** @return list<int> the users who are the shop's customers (active, of no technical kind) */
    public function customers(): array
    {
        return $this->customers;
    }

    /** @return list<int> every order's id */
    public function orders(): array
    {
        return $this->orders;
    }

    private function user(int $k): void
    {
        $fields = [
            'LOGIN' => 'user' . $k,
            'EMAIL' => $k % 10 === 4 ? '' : ($k % 12 === 6 ? " User$k@Example.COM " : "user$k@example.com"),
            'NAME' => $k % 5 === 1 ? 'Анна; "Мария"' : 'Name' . $k,
            'LAST_NAME' => $k % 5 === 1 ? "O'Neil\tСмит" : 'Last' . $k,
            'SECOND_NAME' => $k % 4 === 0 ? 'Ивановна' : '',
            'PERSONAL_PHONE' => $k % 7 === 3 ? 'нет' : ($k % 3 === 0 ? sprintf('+7 (900) 123-%02d-%02d', intdiv($k, 100) % 100, $k % 100) : ''),
            'PHONE_NUMBER' => $k % 4 === 1 ? sprintf('+7916%07d', $k) : '',
            'PERSONAL_BIRTHDAY' => $k % 5 === 2 ? sprintf('%02d.%02d.%d', 1 + $k % 28, 1 + $k % 12, 1960 + $k % 40) : '',
            'DATE_REGISTER' => date('d.m.Y H:i:s', mktime(9, $k % 60, $k % 60, 1, 1 + $k, 2018)),
            'ACTIVE' => $k % 11 === 5 ? 'N' : 'Y',
            'EXTERNAL_AUTH_ID' => $k % 13 === 7 ? 'sale' : '',
        ];
        $id = \CUser::fakeExisting($fields);
        if ($fields['ACTIVE'] === 'N') {
            $this->inactive[] = $id;
        } elseif ($fields['EXTERNAL_AUTH_ID'] === '') {
            $this->customers[] = $id;
        }
    }

    private function order(int $k): void
    {
        $buyer = match (true) {
            $k % 6 === 0 || $this->customers === [] => $this->anonymous,
            $k % 9 === 4 && $this->inactive !== [] => $this->inactive[$k % count($this->inactive)],
            default => $this->customers[$this->random->getInt(0, count($this->customers) - 1)],
        };
        $user = \CUser::fakeRow($buyer);
        $email = $buyer === $this->anonymous ? "guest$k@example.com" : trim((string)$user['EMAIL']);
        $lines = [];
        $total = 0.0;
        $count = $this->random->getInt(1, 4);
        for ($j = 0; $j < $count; $j++) {
            [$productId, $xmlId] = $this->products[$this->random->getInt(0, count($this->products) - 1)];
            $base = $this->random->getInt(100, 500000) / 100;
            $discount = $this->random->getInt(0, 3) === 0 ? round($base * 0.1, 2) : 0.0;
            $quantity = $k % 10 === 3 ? 1.25 : (float)$this->random->getInt(1, 3);
            $delay = $k % 17 === 9 || ($k % 7 === 2 && $j === 1) ? 'Y' : 'N';
            $canBuy = $k % 8 === 3 && $j === 0 && $count > 1 ? 'N' : 'Y';
            $lines[] = ['PRODUCT_ID' => $productId, 'PRODUCT_XML_ID' => $xmlId, 'NAME' => 'Product ' . $productId, 'QUANTITY' => $quantity,
                'BASE_PRICE' => $base, 'DISCOUNT_PRICE' => $discount, 'PRICE' => round($base - $discount, 2), 'DELAY' => $delay, 'CAN_BUY' => $canBuy];
            if ($delay === 'N' && $canBuy === 'Y') {
                $total += round(($base - $discount) * $quantity, 2);
            }
        }
        $delivery = $k % 3 === 0 ? 300.0 : 0.0;
        $placed = mktime(12, $k % 60, 0, 1, 1 + 3 * $k, 2019);
        $this->orders[] = \Bitrix\Sale\Order::fakeExisting([
            'USER_ID' => $buyer,
            'STATUS_ID' => self::STATUSES[$this->random->getInt(0, 2)],
            'CANCELED' => $k % 8 === 5 ? 'Y' : 'N',
            'PRICE' => round($total + $delivery, 2),
            'PRICE_DELIVERY' => $delivery,
            'DATE_INSERT' => date('d.m.Y H:i:s', $placed),
            'DATE_UPDATE' => date('d.m.Y H:i:s', $placed + 86400 * ($k % 5)),
        ], [
            [['ID' => 1, 'CODE' => 'EMAIL', 'NAME' => 'E-mail', 'IS_EMAIL' => 'Y'], $email],
            [['ID' => 2, 'CODE' => 'PHONE', 'NAME' => 'Phone', 'IS_PHONE' => 'Y'], $k % 7 === 3 ? '-' : sprintf('8 (917) 555-%02d-%02d', $k % 100, 7)],
        ], $lines);
    }

    /** @return list<int> the elements a buyer can put in a basket: products without offers, and offers */
    private static function sellable(FakeCatalogue $catalogue): array
    {
        $ids = [];
        foreach ($catalogue->productIds() as $productId) {
            array_push($ids, ...($catalogue->offersOf($productId) ?: [$productId]));
        }
        return $ids;
    }
}
