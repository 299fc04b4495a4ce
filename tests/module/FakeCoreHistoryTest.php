<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Config\Option;
use Bitrix\Main\SystemException;
use Bitrix\Main\Type\DateTime;
use Bitrix\Main\UserTable;
use Bitrix\Sale\Basket;
use Bitrix\Sale\Order;

/**
 * What the fake core does for the history's export, as the real one does: the ORM's getList() of users and orders
 * (keyset filters, dates as Type objects, group, count_total, an unknown field refused), orders loaded in bulk, and
 * b_option shared through a file by a fake site's processes. And what the benchmark's history adds: users and orders
 * forgotten once read.
 */
final class FakeCoreHistoryTest extends FakeCoreTestCase
{
    public function testUsersAreReadByTheOrmWithDatesAsTypeObjectsAndTheLogInPhoneByItsReference(): void
    {
        foreach (range(1, 5) as $k) {
            \CUser::fakeExisting(['LOGIN' => "u$k", 'DATE_REGISTER' => "0$k.02.2020 10:00:00", 'PERSONAL_BIRTHDAY' => $k === 2 ? '31.12.1990' : '',
                'PHONE_NUMBER' => $k === 3 ? '+79001234567' : '', 'ACTIVE' => $k === 4 ? 'N' : 'Y']);
        }
        $rows = UserTable::getList(['select' => ['ID', 'ACTIVE', 'DATE_REGISTER', 'PERSONAL_BIRTHDAY', 'PHONE' => 'PHONE_AUTH.PHONE_NUMBER'],
            'filter' => ['>ID' => 1, '<ID' => 5, '>=DATE_REGISTER' => new DateTime('03.02.2020 00:00:00')], 'order' => ['ID' => 'ASC'], 'limit' => 1,
            'count_total' => true]);

        $this->assertSame(2, $rows->getCount(), 'every row the filter passes, the limit aside');
        $row = $rows->fetch();
        $this->assertSame(['3', 'Y', '+79001234567', null], [$row['ID'], $row['ACTIVE'], $row['PHONE'], $row['PERSONAL_BIRTHDAY']]);
        $this->assertInstanceOf(DateTime::class, $row['DATE_REGISTER']);
        $this->assertSame('2020-02-03 10:00:00', $row['DATE_REGISTER']->format('Y-m-d H:i:s'));
        $this->assertFalse($rows->fetch());
        $this->assertSame('1990-12-31', UserTable::getList(['select' => ['PERSONAL_BIRTHDAY'], 'filter' => ['=ID' => 2]])->fetch()['PERSONAL_BIRTHDAY']->format('Y-m-d'));
        $this->expectException(SystemException::class);
        UserTable::getList(['filter' => ['>NO_SUCH_FIELD' => 1]]);
    }

    public function testOrdersAreListedGroupedAndLoadedInBulkWithTheirLines(): void
    {
        foreach (['N', 'P', 'N', 'F'] as $k => $status) {
            Order::fakeExisting(['USER_ID' => 1, 'STATUS_ID' => $status, 'PRICE' => 10.0 * $k, 'DATE_INSERT' => sprintf('0%d.03.2021 12:00:00', $k + 1)],
                [], [['PRODUCT_ID' => 7, 'PRODUCT_XML_ID' => 'x7', 'QUANTITY' => 2, 'PRICE' => 5.0, 'BASE_PRICE' => 5.0, 'DELAY' => $k === 1 ? 'Y' : 'N']]);
        }

        $grouped = Order::getList(['select' => ['STATUS_ID'], 'filter' => ['<ID' => 4], 'group' => ['STATUS_ID']])->fetchAll();
        $this->assertEqualsCanonicalizing([['STATUS_ID' => 'N'], ['STATUS_ID' => 'P']], $grouped);
        $orders = Order::loadByFilter(['filter' => ['>ID' => 1, '>=DATE_INSERT' => new DateTime('03.03.2021 00:00:00')], 'order' => ['ID' => 'ASC'], 'limit' => 5]);
        $this->assertSame([3, 4], array_map(static fn (Order $o) => $o->getId(), $orders));
        $this->assertInstanceOf(DateTime::class, $orders[0]->getField('DATE_INSERT'));
        $this->assertSame('30', Order::getList(['select' => ['PRICE'], 'filter' => ['=ID' => 4]])->fetch()['PRICE'], 'numbers as strings, as MySQL gives them');
        $line = $orders[0]->getBasket()->getBasketItems()[0];
        $this->assertSame(['x7', 2.0, 10.0], [$line->getField('PRODUCT_XML_ID'), $line->getQuantity(), $line->getFinalPrice()]);
        $this->assertTrue(Order::load(2)->getBasket()->getBasketItems()[0]->isDelay());
    }

    /** The benchmark's history (bench/history/shop.php) drops what was read and counts on the ids going on. */
    public function testForgottenUsersAndOrdersAreGoneWithTheirLinesAndTheirIdsAreNotGivenAgain(): void
    {
        foreach (range(1, 3) as $k) {
            \CUser::fakeExisting(['LOGIN' => "u$k"]);
            Order::fakeExisting(['USER_ID' => $k], [], [['PRODUCT_ID' => $k, 'QUANTITY' => 1, 'PRICE' => 5.0, 'BASE_PRICE' => 5.0]]);
        }

        \CUser::fakeForget([1, 2]);
        Order::fakeForget([1, 2]);

        $this->assertSame(['3'], array_column(UserTable::getList(['select' => ['ID']])->fetchAll(), 'ID'));
        $this->assertSame([3], array_map(static fn (Order $o) => $o->getId(), Order::loadByFilter(['filter' => ['>ID' => 0]])));
        $this->assertSame([3], array_map('intval', array_column(Basket::fakeStoredRows(), 'PRODUCT_ID')), 'the forgotten orders\' lines are gone');
        $this->assertSame([4, 4], [\CUser::fakeExisting(['LOGIN' => 'u4']), Order::fakeExisting(['USER_ID' => 4])]);
    }

    public function testTheOptionsOfAFakeSiteLiveInAFileTheNextProcessReads(): void
    {
        $file = sys_get_temp_dir() . '/rustbox-options-' . getmypid() . '.json';
        try {
            Option::set('rustbox.mindbox', 'history_run', 'before', 's1');
            file_put_contents($file, json_encode(['rustbox.mindbox' => ['s1' => ['history_run' => 'left by another process']]]));
            Option::fakePersist($file);
            $this->assertSame('left by another process', Option::getRealValue('rustbox.mindbox', 'history_run', 's1'));
            Option::delete('rustbox.mindbox', ['name' => 'history_run', 'site_id' => 's1']);
            $this->assertSame([], json_decode(file_get_contents($file), true)['rustbox.mindbox']['s1'] ?? []);
        } finally {
            @unlink($file);
        }
    }
}
