<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use PHPUnit\Framework\TestCase;
use Rustbox\Mindbox\Loyalty\Allocation;

/** Whole-kopeck drops of lines whose prices are per unit and rounded to the shop's precision. */
final class AllocationTest extends TestCase
{
    public static function setUpBeforeClass(): void
    {
        // Pure arithmetic: no shop, no core.
        require_once dirname(__DIR__, 2) . '/bitrix-module/lib/loyalty/allocation.php';
    }

    /** @return array<string, array{float, int, ?int}> quantity, precision, smallest drop in kopecks */
    public function steps(): array
    {
        return [
            'one unit' => [1.0, 2, 1],
            '3 units at 2 decimals' => [3.0, 2, 3],
            '3 units at 4 decimals' => [3.0, 4, 3],
            '4 units at 4 decimals' => [4.0, 4, 1],
            '1.5 kg at 2 decimals' => [1.5, 2, 3],
            '0.25 kg at 2 decimals' => [0.25, 2, 1],
            'more than 3 decimals' => [0.1234, 2, null],
        ];
    }

    /** @dataProvider steps */
    public function testTheSmallestDropOfALine(float $quantity, int $precision, ?int $step): void
    {
        $this->assertSame($step, Allocation::step($quantity, $precision));
    }

    public function testThePointsAreSpreadInProportionAndTheRestLandsOnTheLastLines(): void
    {
        $lines = ['a' => ['total' => 100000, 'quantity' => 1.0], 'b' => ['total' => 100000, 'quantity' => 1.0], 'c' => ['total' => 100000, 'quantity' => 1.0]];
        $this->assertSame(['a' => 3333, 'b' => 3333, 'c' => 3334], Allocation::spread($lines, 10000, 2));
    }

    public function testAKopeckOnlyLinesOfTwoAndThreeUnitsTakeTogetherIsPlacedByMovingSteps(): void
    {
        $lines = ['two' => ['total' => 20000, 'quantity' => 2.0], 'three' => ['total' => 30000, 'quantity' => 3.0]];
        $shares = Allocation::spread($lines, 1001, 2);
        $this->assertSame(1001, array_sum($shares));
        $this->assertSame(0, $shares['two'] % 2);
        $this->assertSame(0, $shares['three'] % 3);
    }

    public function testWhatNoArrangementCanTakeIsNotSpent(): void
    {
        $lines = ['a' => ['total' => 20000, 'quantity' => 2.0], 'b' => ['total' => 20000, 'quantity' => 2.0]];
        $this->assertSame(100, array_sum(Allocation::spread($lines, 101, 2)));
        $this->assertSame(['a' => 20000, 'b' => 20000], Allocation::spread($lines, 999999, 2), 'never more than the lines cost');
    }

    public function testTargetsPerLineAreMetWhereTheStepsAllowAndTheSumKept(): void
    {
        $lines = ['a' => ['total' => 99999, 'quantity' => 3.0], 'b' => ['total' => 50000, 'quantity' => 1.0]];
        // 10 % of 999.99 is 100.00, which 3 units cannot drop by; the kopeck moves to the single unit.
        $shares = Allocation::fit($lines, ['a' => 10000, 'b' => 5000], 2);
        $this->assertSame(15000, array_sum($shares));
        $this->assertSame(0, $shares['a'] % 3);
        $this->assertLessThanOrEqual(3, abs($shares['a'] - 10000));
    }
}
