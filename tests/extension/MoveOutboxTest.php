<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxTests\Support\Binaries;
use MindboxTests\Support\EmulatorTestCase;

/**
 * `mindbox-deliver --move-outbox FROM TO`: either address may come from standard input (`-`) or a file (`@PATH`),
 * so that the password of a mysql:// address never is in the process list.
 */
final class MoveOutboxTest extends EmulatorTestCase
{
    private const PASSWORD = 'pw-MOVE-8c1d';

    public function testFromAndToComeFromStandardInputOrAFile(): void
    {
        $from = $this->tempPath('node.sqlite');
        $to = $this->tempPath('shared.sqlite');
        $this->sendThree($from);
        file_put_contents($this->tempPath('to.url'), "$to\n");

        [$code, $out] = self::move(['-', '@' . $this->tempPath('to.url')], "$from\n");

        self::assertSame(0, $code, $out);
        self::assertStringContainsString("3 item(s) moved to $to", $out);
        self::assertSame([0, 3], [$this->pending($from), $this->pending($to)]);

        // Both from standard input, FROM's line first: the items go back.
        [$code, $out] = self::move(['-', '-'], "$to\n$from\n");
        self::assertSame(0, $code, $out);
        self::assertSame([3, 0], [$this->pending($from), $this->pending($to)]);
    }

    public function testAnAddressThatCannotBeReadIsAClearErrorThatNeverShowsThePassword(): void
    {
        $from = $this->tempPath('node.sqlite');
        $this->sendThree($from);
        $unreachable = 'mysql://shop:' . self::PASSWORD . '@127.0.0.1:1/shop';
        file_put_contents($this->tempPath('two.url'), "$unreachable\n$unreachable\n");
        $cases = [
            [['-', $from], '', 'FROM: standard input ended before its address'],
            [[$from, '-'], "\n", 'TO is empty'],
            [[$from, '@' . $this->tempPath('missing.url')], '', 'TO cannot be read from ' . $this->tempPath('missing.url')],
            [[$from, '@' . $this->tempPath('two.url')], '', 'must hold one address on one line'],
            [[$from, '-'], "mysql://shop:" . self::PASSWORD . "/x@h/db\n", 'TO: names no user'],
            [[$from, '-'], "$unreachable\n", 'mysql://shop@127.0.0.1:1/shop'],
        ];
        foreach ($cases as [$args, $stdin, $expected]) {
            [$code, $out] = self::move($args, $stdin);
            self::assertSame(2, $code, $out);
            self::assertStringContainsString($expected, $out);
            self::assertStringNotContainsString(self::PASSWORD, $out);
        }
        self::assertSame(3, $this->pending($from), 'nothing moved');
    }

    public function testHelpDescribesBothWays(): void
    {
        [$code, $out] = self::move(['--help'], '', false);
        self::assertSame(0, $code);
        self::assertStringContainsString('read it from a line of standard input', $out);
        self::assertStringContainsString('@PATH   read it from the file PATH', $out);
    }

    /** Three events written by a process that does not deliver. */
    private function sendThree(string $outbox): void
    {
        self::php($outbox, 'for ($i = 0; $i < 3; $i++) { $c->setCart(["customer" => ["ids" => ["websiteID" => "c$i"]], "productList" => []]); }');
    }

    private function pending(string $outbox): int
    {
        return (int) self::php($outbox, 'echo $c->outboxStats()["pending"];');
    }

    private static function php(string $outbox, string $code): string
    {
        $config = ['endpointId' => self::emulator()->endpointId(), 'secretKey' => 'k', 'baseUrl' => self::emulator()->baseUrl(), 'outbox' => $outbox];
        $process = proc_open(
            [PHP_BINARY, '-d', 'extension=' . self::extensionPath(), '-d', 'mindbox.delivery=external', '-r', '$c = new MindboxClient(' . var_export($config, true) . '); ' . $code],
            [1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes
        );
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        self::assertSame(0, proc_close($process), $err);
        return $out;
    }

    /**
     * @param list<string> $args after --move-outbox
     * @return array{0: int, 1: string} the exit code, and stdout and stderr together
     */
    private static function move(array $args, string $stdin, bool $move = true): array
    {
        $command = array_merge([Binaries::deliver()], $move ? ['--move-outbox'] : [], $args);
        $process = proc_open($command, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        fwrite($pipes[0], $stdin);
        fclose($pipes[0]);
        $out = (string) stream_get_contents($pipes[1]) . (string) stream_get_contents($pipes[2]);
        return [proc_close($process), $out];
    }
}
