<?php

declare(strict_types=1);

/**
 * The product feed's benchmark catalogue: a shop, its currencies and categories, and offers made in batches, the same
 * for every way of writing the feed. Each offer is a function of its number alone, so any batch can be made in any
 * process, and every way gets the same bytes to write.
 *
 * What an offer carries: a name in Cyrillic with an emoji and & < > characters, a description of about 500
 * characters with markup in it, two categories, a picture, a page URL with a query string, a price (and an old price
 * on every second offer), three parameters (one of them a list, joined with `|`); every third offer is an SKU with the
 * product it belongs to as `group_id`. No control characters: the PHP ways would write them as they are, and the
 * extension removes them, so the three files would differ for a reason that is not the speed.
 */

const BENCH_FEED_CATEGORIES = 200;
const BENCH_FEED_TOP_CATEGORIES = 20;

/** @return array{name: string, company: string, url: string} */
function bench_feed_shop(): array
{
    return ['name' => 'Магазин «Бенч» & Co', 'company' => 'ООО "Бенч" <тест>', 'url' => 'https://shop.example'];
}

/** @return list<array{id: string, rate: int|float}> */
function bench_feed_currencies(): array
{
    return [['id' => 'RUB', 'rate' => 1], ['id' => 'USD', 'rate' => 80.5]];
}

/** Twenty top sections, each with nine below it. @return list<array{id: int, parentId?: int, name: string}> */
function bench_feed_categories(): array
{
    $list = [];
    for ($id = 1; $id <= BENCH_FEED_CATEGORIES; $id++) {
        $category = ['id' => $id, 'name' => "Раздел $id: платья & <юбки>"];
        if ($id > BENCH_FEED_TOP_CATEGORIES) {
            $category['parentId'] = ($id - 1) % BENCH_FEED_TOP_CATEGORIES + 1;
        }
        $list[] = $category;
    }
    return $list;
}

/**
 * Offers $from … $from + $count - 1.
 *
 * @return list<array<string, mixed>>
 */
function bench_feed_offers(int $from, int $count): array
{
    static $descriptions = null;
    $descriptions ??= bench_feed_descriptions();
    $colours = ['красный', 'синий', 'зелёный', 'чёрный', 'белый', 'бежевый', 'розовый', 'серый'];
    $batch = [];
    for ($i = $from; $i < $from + $count; $i++) {
        $kopecks = 10_000 + ($i * 7919) % 990_000;
        $first = $i % BENCH_FEED_CATEGORIES;
        $offer = [
            'id' => 100_000 + $i,
            'available' => $i % 17 !== 0,
            'url' => "https://shop.example/catalog/item-$i/?utm_source=mindbox&ref=$i",
            'price' => $kopecks / 100,
            'currencyId' => 'RUB',
            'categoryId' => [$first + 1, ($first + 1 + ($i % 7) * 13) % BENCH_FEED_CATEGORIES + 1],
            'picture' => "https://cdn.shop.example/images/$i.jpg",
            'name' => sprintf('Платье «%s» & Co <№%d> — размер %d 👗', $colours[$i % 8], $i, 40 + $i % 12),
            'description' => "<p>Модель №$i.</p> " . $descriptions[$i % count($descriptions)],
            'param' => ['Цвет' => $colours[($i >> 3) % 8], 'Размер' => (string)(40 + $i % 12), 'Материал' => ['хлопок', 'лён & шёлк']],
        ];
        if ($i % 2 === 0) {
            $offer['oldprice'] = intdiv($kopecks * 5, 4) / 100;
        }
        if ($i % 3 === 2) {
            $offer['group_id'] = 5_000_000 + intdiv($i, 3);
        }
        $batch[] = $offer;
    }
    return $batch;
}

/**
 * Thirty-two texts of about 480 characters, Cyrillic and Latin, with markup and the characters XML escapes.
 *
 * @return list<string>
 */
function bench_feed_descriptions(): array
{
    $words = ['лёгкое', 'платье', 'из', 'натурального', 'хлопка', '&', 'шёлка', '<b>новинка</b>', 'для', 'вечера',
        'и', 'прогулок', 'cotton', 'summer', 'collection', '"Лето"', 'размеры', '40–52', 'стирка', 'при', '30 °C',
        'не', 'отбеливать', '>', 'гладить', 'с', 'изнанки'];
    $texts = [];
    for ($k = 0; $k < 32; $k++) {
        $text = '';
        // A linear congruential sequence per text: varied, and the same on every run.
        for ($x = $k + 1; mb_strlen($text) < 480;) {
            $x = ($x * 1_103_515_245 + 12_345) & 0x7fffffff;
            $text .= $words[($x >> 16) % count($words)] . ' ';
        }
        $texts[] = rtrim($text) . '.';
    }
    return $texts;
}
