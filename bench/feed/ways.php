<?php

declare(strict_types=1);

/**
 * The ways of writing the product feed that the benchmark compares, each given the same shop, categories and batches
 * of offers (bench/feed/offers.php) and writing the same feed: the PHP ways write the offer's fields in the order the
 * extension writes them, so that bench/feed/canonical.php finds the three files equal.
 */

/** One way of writing the feed, from its header to its last offer. */
interface BenchFeedWay
{
    /**
     * @param array<string, string> $shop
     * @param list<array<string, mixed>> $currencies
     * @param list<array<string, mixed>> $categories
     */
    public function start(string $path, array $shop, array $currencies, array $categories): void;

    /** @param list<array<string, mixed>> $offers */
    public function offers(array $offers): void;

    /** Completes the file; its size in bytes. */
    public function finish(): int;
}

/** The ways by key; a new way joins them here. */
function bench_feed_way(string $key): BenchFeedWay
{
    return match ($key) {
        'ext' => new BenchFeedExtension(),
        'dom' => new BenchFeedDom(),
        'xmlwriter' => new BenchFeedXmlWriter(),
        default => bench_fail("no feed way \"$key\""),
    };
}

/** The offer's elements with one text each, in the feed's order, before its categories and pictures. */
const BENCH_FEED_HEAD = ['url', 'price', 'oldprice', 'currencyId'];

/** … and after them. */
const BENCH_FEED_TAIL = ['name', 'vendor', 'vendorCode'];

/** A field's value as the feed's text: a list of values joined with `|`, as Mindbox reads multi-values. */
function bench_feed_text(mixed $value): string
{
    return is_array($value) ? implode('|', $value) : (string)$value;
}

/** The extension's MindboxFeedWriter, a batch a call. */
final class BenchFeedExtension implements BenchFeedWay
{
    private ?MindboxFeedWriter $writer = null;

    public function start(string $path, array $shop, array $currencies, array $categories): void
    {
        bench_require_extension();
        $this->writer = new MindboxFeedWriter($path);
        $this->writer->shop($shop);
        $this->writer->currencies($currencies);
        $this->writer->categories($categories);
    }

    public function offers(array $offers): void
    {
        $this->writer->offers($offers);
    }

    public function finish(): int
    {
        return (int)$this->writer->finish()['bytes'];
    }
}

/**
 * The official modules' way (next-wave.md §1.2): the whole catalogue built as one DOMDocument, an element per field of
 * every offer, descriptions in CDATA, saved to the file once at the end.
 */
final class BenchFeedDom implements BenchFeedWay
{
    private DOMDocument $dom;
    private DOMElement $offers;
    private string $path;

    public function start(string $path, array $shop, array $currencies, array $categories): void
    {
        $this->path = $path;
        $this->dom = new DOMDocument('1.0', 'UTF-8');
        $catalog = $this->dom->appendChild($this->dom->createElement('yml_catalog'));
        $catalog->setAttribute('date', gmdate('Y-m-d\TH:i:sP'));
        $shopElement = $catalog->appendChild($this->dom->createElement('shop'));
        foreach (['name', 'company', 'url'] as $tag) {
            $this->text($shopElement, $tag, $shop[$tag]);
        }
        $list = $shopElement->appendChild($this->dom->createElement('currencies'));
        foreach ($currencies as $currency) {
            $element = $list->appendChild($this->dom->createElement('currency'));
            $element->setAttribute('id', $currency['id']);
            $element->setAttribute('rate', (string)$currency['rate']);
        }
        $list = $shopElement->appendChild($this->dom->createElement('categories'));
        foreach ($categories as $category) {
            $element = $this->text($list, 'category', $category['name']);
            $element->setAttribute('id', (string)$category['id']);
            if (isset($category['parentId'])) {
                $element->setAttribute('parentId', (string)$category['parentId']);
            }
        }
        $this->offers = $shopElement->appendChild($this->dom->createElement('offers'));
    }

    public function offers(array $offers): void
    {
        foreach ($offers as $offer) {
            $element = $this->offers->appendChild($this->dom->createElement('offer'));
            $element->setAttribute('id', (string)$offer['id']);
            $element->setAttribute('available', $offer['available'] ? 'true' : 'false');
            if (isset($offer['group_id'])) {
                $element->setAttribute('group_id', (string)$offer['group_id']);
            }
            foreach (BENCH_FEED_HEAD as $tag) {
                if (isset($offer[$tag])) {
                    $this->text($element, $tag, (string)$offer[$tag]);
                }
            }
            foreach (['categoryId', 'picture'] as $tag) {
                foreach ((array)($offer[$tag] ?? []) as $value) {
                    $this->text($element, $tag, (string)$value);
                }
            }
            foreach (BENCH_FEED_TAIL as $tag) {
                if (isset($offer[$tag])) {
                    $this->text($element, $tag, (string)$offer[$tag]);
                }
            }
            if (isset($offer['description'])) {
                $element->appendChild($this->dom->createElement('description'))
                    ->appendChild($this->dom->createCDATASection($offer['description']));
            }
            foreach ($offer['param'] ?? [] as $name => $value) {
                $this->text($element, 'param', bench_feed_text($value))->setAttribute('name', (string)$name);
            }
        }
    }

    public function finish(): int
    {
        $bytes = $this->dom->save($this->path);
        if ($bytes === false) {
            bench_fail("DOMDocument::save($this->path) failed");
        }
        return $bytes;
    }

    /** A child element holding a text node: createElement()'s own value would not escape `&`. */
    private function text(DOMNode $parent, string $tag, string $text): DOMElement
    {
        $element = $parent->appendChild($this->dom->createElement($tag));
        $element->appendChild($this->dom->createTextNode($text));
        return $element;
    }
}

/** PHP's XMLWriter streaming to the file, flushed after every batch. */
final class BenchFeedXmlWriter implements BenchFeedWay
{
    private XMLWriter $xml;
    private string $path;

    public function start(string $path, array $shop, array $currencies, array $categories): void
    {
        $this->path = $path;
        $this->xml = new XMLWriter();
        if (!$this->xml->openUri($path)) {
            bench_fail("XMLWriter cannot open $path");
        }
        $x = $this->xml;
        $x->startDocument('1.0', 'UTF-8');
        $x->startElement('yml_catalog');
        $x->writeAttribute('date', gmdate('Y-m-d\TH:i:sP'));
        $x->startElement('shop');
        foreach (['name', 'company', 'url'] as $tag) {
            $x->writeElement($tag, $shop[$tag]);
        }
        $x->startElement('currencies');
        foreach ($currencies as $currency) {
            $x->startElement('currency');
            $x->writeAttribute('id', $currency['id']);
            $x->writeAttribute('rate', (string)$currency['rate']);
            $x->endElement();
        }
        $x->endElement();
        $x->startElement('categories');
        foreach ($categories as $category) {
            $x->startElement('category');
            $x->writeAttribute('id', (string)$category['id']);
            if (isset($category['parentId'])) {
                $x->writeAttribute('parentId', (string)$category['parentId']);
            }
            $x->text($category['name']);
            $x->endElement();
        }
        $x->endElement();
        $x->startElement('offers');
    }

    public function offers(array $offers): void
    {
        $x = $this->xml;
        foreach ($offers as $offer) {
            $x->startElement('offer');
            $x->writeAttribute('id', (string)$offer['id']);
            $x->writeAttribute('available', $offer['available'] ? 'true' : 'false');
            if (isset($offer['group_id'])) {
                $x->writeAttribute('group_id', (string)$offer['group_id']);
            }
            foreach (BENCH_FEED_HEAD as $tag) {
                if (isset($offer[$tag])) {
                    $x->writeElement($tag, (string)$offer[$tag]);
                }
            }
            foreach (['categoryId', 'picture'] as $tag) {
                foreach ((array)($offer[$tag] ?? []) as $value) {
                    $x->writeElement($tag, (string)$value);
                }
            }
            foreach ([...BENCH_FEED_TAIL, 'description'] as $tag) {
                if (isset($offer[$tag])) {
                    $x->writeElement($tag, (string)$offer[$tag]);
                }
            }
            foreach ($offer['param'] ?? [] as $name => $value) {
                $x->startElement('param');
                $x->writeAttribute('name', (string)$name);
                $x->text(bench_feed_text($value));
                $x->endElement();
            }
            $x->endElement();
        }
        $x->flush();
    }

    public function finish(): int
    {
        $this->xml->endDocument();
        $this->xml->flush();
        unset($this->xml);
        clearstatcache(true, $this->path);
        return (int)filesize($this->path);
    }
}
