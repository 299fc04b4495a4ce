<?php

declare(strict_types=1);

namespace MindboxTests;

use MindboxTests\Support\Binaries;
use PHPUnit\Framework\TestCase;

/**
 * What the Bitrix module does with the extension's secrets and state, on the fake core of tests/module, each test in
 * a PHP process of its own (the fake core's classes would otherwise stay declared for the whole suite).
 */
final class ModuleTest extends TestCase
{
    private const SECRET = 'sk-MODULE-SECRET-77e1';

    /** A trace with arguments (zend.exception_ignore_args off) shows the client's config as a SensitiveParameterValue. */
    public function testTheClientConfigIsHiddenFromTraces(): void
    {
        $out = self::module(<<<'PHP'
            \Bitrix\Main\Config\Option::set('rustbox.mindbox', 'endpoint_id', 'shop');
            \Bitrix\Main\Config\Option::set('rustbox.mindbox', 'secret_key', $secret);
            \Bitrix\Main\Config\Option::set('rustbox.mindbox', 'outbox_path', "mysql://shop:$secret@127.0.0.1/shop");
            try {
                \Rustbox\Mindbox\Mindbox::client('s1');
            } catch (\Rustbox\Mindbox\ConfigurationException $e) {
                $create = array_values(array_filter($e->getTrace(), static fn (array $f) => $f['function'] === 'create'))[0];
                echo get_class($create['args'][1]), "\n", $e->getTraceAsString(), print_r($e->getTrace(), true), $e;
            }
            PHP);
        self::assertStringStartsWith("SensitiveParameterValue\n", $out);
        self::assertStringNotContainsString(self::SECRET, $out);
    }

    /** The settings form passes the posted key and outbox address (which may hold a password) through these. */
    public function testTheSettingsFormMarksWhatCarriesTheKeyOrThePassword(): void
    {
        $out = self::module(<<<'PHP'
            $marked = [];
            foreach (['save' => 'post', 'posted' => 'raw', 'validate' => 'value', 'store' => 'value'] as $method => $name) {
                foreach ((new \ReflectionMethod(\Rustbox\Mindbox\Admin\OptionsForm::class, $method))->getParameters() as $p) {
                    if ($p->getName() === $name) {
                        $marked[$method] = array_map(static fn ($a) => $a->getName(), $p->getAttributes());
                    }
                }
            }
            echo json_encode($marked);
            PHP);
        self::assertSame(
            ['save' => ['SensitiveParameter'], 'posted' => ['SensitiveParameter'], 'validate' => ['SensitiveParameter'], 'store' => ['SensitiveParameter']],
            json_decode($out, true)
        );
    }

    /**
     * While Mindbox refuses the key, the agent (from cron) puts up a notice that says when the key is tried next; a
     * call Mindbox answers with the key ends the refusal, and the next run takes the notice down and delivers.
     */
    public function testTheAdminNoticeSaysWhenARefusedKeyIsTriedNext(): void
    {
        $out = self::module(<<<'PHP'
            define('BX_CRONTAB', true);
            $emulator = \MindboxTests\Support\Emulator::start();
            $shop = \MindboxTests\Bitrix\Fakes\FakeShop::open(['s1' => 'Shop']);
            $shop->installModule();
            $dir = sys_get_temp_dir() . '/mindbox-notice-' . getmypid();
            mkdir($dir, 0700);
            $shop->configure(['endpoint_id' => $emulator->endpointId(), 'secret_key' => $emulator->secretKey(), 'api_url' => $emulator->baseUrl(), 'outbox_path' => "$dir/outbox.sqlite"]);
            $client = \Rustbox\Mindbox\Mindbox::client('s1');
            $notices = static fn () => array_column(array_filter(\CAdminNotify::fakeRows(), static fn ($n) => str_starts_with($n['TAG'], 'rustbox_mindbox_credentials_')), 'MESSAGE');

            $emulator->faults(['rules' => [['kind' => 'status', 'status' => 401]]]);
            $client->setCart(['productList' => []], ['deviceUUID' => 'd-1']);
            \Rustbox\Mindbox\Outbox\Agent::flush();
            $probeAt = $client->outboxStats()['credentialsProbeAt'];
            $refused = $notices();

            $emulator->clearFaults();
            $client->call('Website.Ping', ['a' => 1]);
            \Rustbox\Mindbox\Outbox\Agent::flush();
            $taken = $notices();
            $pending = $client->outboxStats()['pending'];

            \Rustbox\Mindbox\Support\Notices::credentials('s1', ['credentialsRefused' => true, 'credentialsProbeAt' => time() - 5]);
            $overdue = $notices();
            $shop->close();
            array_map('unlink', glob("$dir/*"));
            rmdir($dir);
            echo json_encode(compact('probeAt', 'refused', 'taken', 'pending', 'overdue'));
            PHP, ['MINDBOX_TEST_CREDENTIALS_PROBE_MS' => '120000']);
        $result = json_decode($out, true);
        self::assertIsInt($result['probeAt'], $out);
        self::assertEqualsWithDelta(time() + 120, $result['probeAt'], 10);
        self::assertCount(1, $result['refused']);
        self::assertStringContainsString('refuses the secret key of site -', $result['refused'][0], 'the module-wide setup');
        self::assertStringContainsString('tried again with one request at ' . date('H:i:s', $result['probeAt']), $result['refused'][0]);
        self::assertSame([[], 0], [$result['taken'], $result['pending']]);
        self::assertStringContainsString('tried again with one request with the next delivery', $result['overdue'][0]);
    }

    /**
     * Runs $code on the fake core with the module's classes, $secret set to self::SECRET; with $env, in a process
     * with the extension (and those environment variables), else without it.
     *
     * @param array<string, string>|null $env
     */
    private static function module(string $code, ?array $env = null): string
    {
        $root = dirname(__DIR__, 2);
        $script = sprintf(
            'require %s; require %s; \Bitrix\Main\Loader::registerNamespace(%s, %s); $secret = %s; %s',
            var_export($root . '/tests/support/fakes/core.php', true),
            var_export($root . '/tests/support/emulator/Emulator.php', true),
            var_export('Rustbox\Mindbox', true),
            var_export($root . '/bitrix-module/lib', true),
            var_export(self::SECRET, true),
            $code
        );
        // Without php.ini, nothing but the fake core; with it, the emulator's client needs its extensions (posix, ctype).
        $extension = $env === null ? ['-n'] : ['-d', 'extension=' . Binaries::extension()];
        $process = proc_open(
            array_merge([PHP_BINARY], $extension, ['-d', 'zend.exception_ignore_args=0', '-d', 'error_reporting=-1', '-r', $script]),
            [1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes,
            null,
            $env === null ? null : $env + getenv()
        );
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        self::assertSame(0, proc_close($process), $out . $err);
        self::assertSame('', $err);
        return $out;
    }
}
