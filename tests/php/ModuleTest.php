<?php

declare(strict_types=1);

namespace MindboxTests;

use PHPUnit\Framework\TestCase;

/**
 * What the Bitrix module does with the extension's secrets and state, on the fake core of tests/bitrix, each test in
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
     * Runs $code on the fake core with the module's classes, $secret set to self::SECRET, without the extension.
     */
    private static function module(string $code): string
    {
        $root = dirname(__DIR__, 2);
        $script = sprintf(
            'require %s; \Bitrix\Main\Loader::registerNamespace(%s, %s); $secret = %s; %s',
            var_export($root . '/tests/bitrix/fakes/core.php', true),
            var_export('Rustbox\Mindbox', true),
            var_export($root . '/bitrix-module/lib', true),
            var_export(self::SECRET, true),
            $code
        );
        $process = proc_open(
            [PHP_BINARY, '-n', '-d', 'zend.exception_ignore_args=0', '-d', 'error_reporting=-1', '-r', $script],
            [1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes
        );
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        self::assertSame(0, proc_close($process), $out . $err);
        self::assertSame('', $err);
        return $out;
    }
}
