<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxInvalidArgumentException;
use MindboxProgress;
use MindboxTests\Support\Binaries;
use PHPUnit\Framework\TestCase;

/**
 * MindboxProgress where stderr is not a terminal (a cron job's log): plain lines at every tenth of the way and a
 * summary; and its bad arguments.
 */
final class ProgressTest extends TestCase
{
    /**
     * Runs $code in a PHP with the extension, its stderr a pipe as under cron.
     *
     * @return array{0: string, 1: list<string>} stdout, and stderr's lines
     */
    private static function runPhp(string $code): array
    {
        $process = proc_open(
            [PHP_BINARY, '-d', 'extension=' . Binaries::extension(), '-r', $code],
            [1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes,
        );
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        self::assertSame(0, proc_close($process), $err);
        return [$out, $err === '' ? [] : explode("\n", rtrim($err, "\n"))];
    }

    public function testWithoutATerminalEveryTenthOfTheWayIsALine(): void
    {
        [$out, $lines] = self::runPhp(<<<'PHP'
            $progress = new MindboxProgress(1000, 'Feed s1');
            for ($i = 0; $i < 40; $i++) {
                $progress->advance(25);
            }
            $progress->set(1000);
            $progress->finish('written to /upload/feed.yml.gz');
            echo 'done';
            PHP);

        self::assertSame('done', $out, 'nothing of the progress on stdout');
        $summary = array_pop($lines);
        self::assertMatchesRegularExpression('~^Feed s1: 1,000/1,000 in \d+\.\d s, [\d,]+/s\. written to /upload/feed\.yml\.gz$~', $summary);
        $tenths = array_values(preg_grep('~^Feed s1: [\d,]+/1,000 \((\d+)0%\), [\d,]+/s(, ETA \d+[smh])?$~', $lines) ?: []);
        self::assertSame(range(10, 100, 10), array_map(static fn (string $l): int => (int) substr($l, strpos($l, '(') + 1), $tenths),
            implode("\n", $lines));
        // A line every 10 seconds besides, only if this machine stalled that long.
        self::assertLessThanOrEqual(2, count($lines) - count($tenths), implode("\n", $lines));
    }

    public function testAnUnknownTotalCountsWithoutPercent(): void
    {
        [, $lines] = self::runPhp('$p = new MindboxProgress(0, "History"); $p->advance(); $p->advance(41); $p->finish();');
        self::assertMatchesRegularExpression('~^History: 42 in \d+\.\d s, [\d,]+/s$~', end($lines));
    }

    /** @return array<string, array{0: callable(): void, 1: string}> */
    public static function badArguments(): array
    {
        return [
            'a negative total' => [static fn () => new MindboxProgress(-1, 'Feed'), 'total'],
            'an empty label' => [static fn () => new MindboxProgress(10, '  '), 'label'],
            'a label of two lines' => [static fn () => new MindboxProgress(10, "Feed\nnext"), 'label'],
            'a negative step' => [static fn () => (new MindboxProgress(10, 'Feed'))->advance(-1), 'n'],
            'a negative count' => [static fn () => (new MindboxProgress(10, 'Feed'))->set(-3), 'done'],
            'a message of two lines' => [static fn () => (new MindboxProgress(10, 'Feed'))->finish("a\nb"), 'message'],
        ];
    }

    /** @dataProvider badArguments */
    public function testBadArgumentsNameTheArgument(callable $call, string $path): void
    {
        try {
            $call();
            self::fail('no exception');
        } catch (MindboxInvalidArgumentException $e) {
            self::assertSame($path, $e->getPath(), $e->getMessage());
        }
    }

    public function testAFinishedProgressRefusesMore(): void
    {
        [$out] = self::runPhp(<<<'PHP'
            $progress = new MindboxProgress(2, 'Feed');
            $progress->advance(2);
            $progress->finish();
            foreach (['advance' => fn () => $progress->advance(), 'finish' => fn () => $progress->finish()] as $call => $f) {
                try {
                    $f();
                } catch (MindboxInvalidArgumentException $e) {
                    echo $e->getPath(), ': ', $e->getMessage(), "\n";
                }
            }
            PHP);
        self::assertMatchesRegularExpression('~^advance: .*finished.*\nfinish: .*finished~', $out);
    }
}
