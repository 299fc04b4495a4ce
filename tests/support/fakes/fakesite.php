<?php
// No core file: a document root whose core is the fake one, for the module's scripts run in a process of their own.

namespace MindboxTests\Bitrix\Fakes;

/**
 * A site on disk for a process of its own: its bitrix/modules/main/include/prolog_before.php starts the fake core
 * (site.php) and sets the site up from the environment variable ENV, a JSON object:
 * `sites` (id => name; default s1), `servers` (id => server name, the site's files being the document root the process
 * was given), `catalogue` (FakeCatalogue::install()'s arguments), `history` (FakeHistory::install()'s first three,
 * its products from the catalogue), `options` (site id, or "-" for all sites, => the module's options), `optionsFile`
 * (a file b_option lives in across the site's processes: Option::fakePersist()), `database` (a folder the site's
 * tables live in across its processes, b_option's included: FakeDatabase), `module` (the module's folder the site has,
 * by default this checkout's bitrix-module), `install` (false: the module is found installed, as an earlier process
 * with the same `database` left it; by default each process installs it), `heldElsewhere` (names of database locks
 * another process holds), `include` (PHP files a test runs in the site once it is set up, e.g. event handlers or a
 * hit's work: they see the shop as $shop).
 */
final class FakeSite
{
    public const ENV = 'RUSTBOX_FAKE_SITE';

    /** Puts the fake core's prolog into $documentRoot, where the core's own would be. */
    public static function create(string $documentRoot): void
    {
        $prolog = $documentRoot . '/bitrix/modules/main/include/prolog_before.php';
        if (!is_dir(dirname($prolog))) {
            mkdir(dirname($prolog), 0755, true);
        }
        file_put_contents($prolog, '<?php require ' . var_export(__DIR__ . '/site.php', true) . ";\n");
    }

    /** @return array<string, string> the environment that sets the site up as $spec says */
    public static function environment(array $spec): array
    {
        return [self::ENV => json_encode($spec, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES)];
    }
}
