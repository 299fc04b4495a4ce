<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\EventManager;
use MindboxTests\Bitrix\Fakes\FakeDatabase;
use MindboxTests\Bitrix\Fakes\FakeShop;
use MindboxTests\Bitrix\Fakes\FakeSite;
use MindboxTests\Bitrix\Release\PreviousRelease;
use MindboxTests\Support\Binaries;
use MindboxTests\Support\Emulator;
use MindboxTests\Support\FastCgi;
use MindboxTests\Support\FpmPool;
use MindboxTests\Support\ProcessGroup;
use PHPUnit\Framework\TestCase;
use Rustbox\Mindbox\Loyalty\CartRule;
use Rustbox\Mindbox\Setup\Renamed;
use Rustbox\Mindbox\Support\ModuleVersion;

require_once __DIR__ . '/release/PreviousRelease.php';
require_once dirname(__DIR__) . '/support/fpm/FastCgi.php';
require_once dirname(__DIR__) . '/support/fpm/FpmPool.php';

/**
 * Issue 22: a shop on the previous release (the tag's module and extension, built from git) upgrades to this checkout's
 * with events pending and PHP-FPM serving. The site is a fake one on disk (FakeSite) whose tables live in a folder
 * (FakeDatabase), so that each process, php-cli or an FPM hit, finds what the ones before it left, as on a real site.
 *
 * Process A (php-cli, the old extension) installs the old module (its DoInstall), configures it and places orders
 * while Mindbox answers 503. Then PHP-FPM serves the site with the old extension, shoppers checking out all along,
 * while the package's upgrade is played in its order: the extension's file replaced and the pool reloaded gracefully
 * (what the package's maintainer scripts do), then the module's files put in place as its site command does it (see
 * installModuleFiles()), whose first hit runs the module's upgrade step from include.php. Every hit answers 200 with
 * its order saved; afterwards the settings are as process A left them, the handlers and agents as this version's
 * installer makes them, each site's cart rule the same one, the upgrade logged once, and once Mindbox is back every
 * event of every process (found by transactionId) is received once.
 */
final class UpgradeReleaseTest extends TestCase
{
    private const MODULE = 'rustbox.mindbox';
    private const SITES = ['s1' => 'Shop', 's2' => 'Outlet'];
    private const SHOPPERS = 2;

    private string $dir;
    private string $site;
    private ?Emulator $emulator = null;
    private ?FpmPool $fpm = null;
    /** @var list<ProcessGroup> */
    private array $drivers = [];

    protected function setUp(): void
    {
        if (!extension_loaded('mindbox')) {
            $this->markTestSkipped('the mindbox extension is not loaded (php -d extension=target/debug/libmindbox.so)');
        }
        $this->assertNotNull(FpmPool::binary(), 'php-fpm8.2 is installed (scripts/test.sh installs it)');
        $this->dir = sys_get_temp_dir() . '/rustbox-release-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->dir . '/outbox', 0700, true);
        mkdir($this->dir . '/fpm');
        mkdir($this->dir . '/extension');
        $this->site = $this->dir . '/site';
        FakeSite::create($this->site);
        $this->emulator = Emulator::start();
    }

    protected function tearDown(): void
    {
        if (isset($this->dir)) {
            touch($this->dir . '/stop');
        }
        foreach ($this->drivers as $driver) {
            $driver->stop();
        }
        $this->fpm?->stop();
        $this->emulator?->stop();
        if (isset($this->dir)) {
            exec('rm -rf ' . escapeshellarg($this->dir));
        }
    }

    public function testTheLastReleaseUpgradesWithEventsPendingAndCheckoutWorkingThroughout(): void
    {
        $installs = $this->thisVersionInstalls();
        $old = PreviousRelease::VERSION;
        $new = $installs['version'];
        $this->assertSame($new, phpversion('mindbox'), 'the extension and the module of this checkout have one version');
        $release = PreviousRelease::get();
        $this->installModuleFiles($release->module);
        // Mindbox is down: every call answers 503 until the upgrade is over.
        $this->emulator->faults(['rules' => [['kind' => 'status', 'status' => 503]]]);

        $a = $this->processA($release->extension);
        $this->assertCount(3, $a['orders']);
        foreach ($a['orders'] as $order) {
            $this->assertGreaterThan(0, $order['order']);
            $this->assertSame([], $order['errors']);
        }
        $this->assertCount(3, array_filter($a['sends'], static fn (array $s) => $s['operation'] === 'create_order'), json_encode($a['sends']));
        $this->assertSame(count($a['sends']), $a['outbox']['pending'], 'every event of process A pending in the outbox');
        $before = $this->tables();

        // PHP-FPM serves the site as the previous release left it: its extension, its module.
        $extension = $this->dir . '/extension/mindbox.so';
        symlink($release->extension, $extension);
        // A reload is graceful, the old workers finishing the checkouts in hand, only given the time for them: with
        // php-fpm.conf's default (0) the master ends them at once, so that a shopper's checkout in flight is cut.
        $this->fpm = new FpmPool($this->dir . '/fpm', [], [], $extension, ['process_control_timeout' => '30s']);
        $this->writePage();
        $first = $this->hit($a['user']);
        $this->assertVersions([$old, $old, '-'], $first);
        $this->startShoppers($a['user']);
        $this->hitsUntil(static fn (array $hit) => true, 'the shoppers check out on the previous release');

        // The package's upgrade: its extension's file replaced (one rename), PHP-FPM reloaded gracefully…
        symlink(Binaries::extension(), $extension . '.new');
        rename($extension . '.new', $extension);
        $this->fpm->reload();
        $this->hitsUntil(static fn (array $hit) => $hit['extension'] === $new, 'a worker of the reloaded pool serves a checkout');
        // … then the admin's rustbox-mindbox-site-install: the module's files, whose first hit upgrades the module.
        $this->installModuleFiles(dirname(__DIR__, 2) . '/bitrix-module');
        $this->hitsUntil(static fn (array $hit) => $hit['files'] === $new && $hit['installed'] === $new, 'the upgraded module serves a checkout');

        $hits = [$first, ...$this->stopShoppers()];
        $last = $this->hit($a['user']);
        $this->assertVersions([$new, $new, $new], $last);
        $hits[] = $last;
        $orders = array_column($hits, 'order');
        $this->assertSame(array_unique($orders), $orders, 'each hit its own order');
        $this->assertSame([], array_diff([...array_column($a['orders'], 'order'), ...$orders], array_keys($this->table('b_sale_order')['stored'])), 'every order saved');

        $this->assertKeptAndUpgraded($before, $this->tables(), $installs);
        $this->assertSame([...$before['log'], "INFO The module was upgraded from $old to $new"], $this->tables()['log'], 'upgraded once, nothing failed');
        $this->assertEveryEventReceivedOnce([...$a['sends'], ...array_merge(...array_column($hits, 'sends'))]);
    }

    /** The previous release installed, configured, and three orders placed while Mindbox is down. */
    private function processA(string $extension): array
    {
        return $this->cli($extension, $this->spec(['install' => true, 'include' => [__DIR__ . '/release/orders.php'], 'options' => [
            '-' => [
                'endpoint_id' => $this->emulator->endpointId(),
                'secret_key' => $this->emulator->secretKey(),
                'api_url' => $this->emulator->baseUrl(),
                'outbox_path' => $this->dir . '/outbox/outbox.sqlite',
                'timeout' => '2',
                'status_map' => json_encode(['N' => 'CheckedOut', 'P' => 'Paid', 'F' => 'Delivered']),
            ],
            's2' => ['balance_timeout' => '3'],
        ]]), 'a');
    }

    /** A process of the site on the command line with $extension, the work its spec includes; what it printed, decoded. */
    private function cli(string $extension, array $spec, string $name): array
    {
        $process = ProcessGroup::start([PHP_BINARY, '-d', 'extension=' . $extension, $this->site . '/bitrix/modules/main/include/prolog_before.php'],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', "$this->dir/$name.out", 'w'], 2 => ['file', "$this->dir/$name.err", 'w']],
            FakeSite::environment($spec) + ['DOCUMENT_ROOT' => $this->site] + getenv());
        try {
            $status = $process->wait(120);
        } finally {
            $process->stop();
        }
        $output = (string)file_get_contents("$this->dir/$name.out");
        $this->assertSame(0, $status, "$name: " . $output . file_get_contents("$this->dir/$name.err"));
        return json_decode($output, true, 512, JSON_THROW_ON_ERROR);
    }

    private function spec(array $spec): array
    {
        return $spec + ['sites' => self::SITES, 'servers' => ['s1' => 'shop.example'],
            'module' => $this->site . '/local/modules/' . self::MODULE, 'database' => $this->dir . '/database'];
    }

    /**
     * The module's files of $module put in the site as the package's site command does it (rustbox-mindbox-site-install:
     * a copy beside, made as Bitrix makes files, then renamed into place), but in one step: the copy and the folder in
     * place exchanged by one rename (renameat2 RENAME_EXCHANGE), so that a hit finds either version whole whenever it
     * looks. The command's own two renames (the old folder away, then the new one in) leave a moment without the
     * module, and a checkout in flight that autoloads one of the module's classes then ends in a fatal error.
     */
    private function installModuleFiles(string $module): void
    {
        $target = $this->site . '/local/modules/' . self::MODULE;
        $staging = $this->site . '/local/.' . self::MODULE . '.new';
        exec(sprintf('set -e; mkdir -p %1$s %2$s; cp -R %3$s/. %2$s/; find %2$s -type d -exec chmod 0755 {} +; find %2$s -type f -exec chmod 0644 {} +',
            escapeshellarg(dirname($target)), escapeshellarg($staging), escapeshellarg($module)), $output, $status);
        $this->assertSame(0, $status, 'the copy of ' . $module);
        if (!is_dir($target)) {
            rename($staging, $target);
            return;
        }
        $libc = \FFI::cdef('int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags);', 'libc.so.6');
        // AT_FDCWD, RENAME_EXCHANGE
        $this->assertSame(0, $libc->renameat2(-100, $staging, -100, $target, 2), 'the new files exchanged with the old');
        exec('rm -rf ' . escapeshellarg($staging));
    }

    /** One checkout on PHP-FPM, which must answer with its order placed. */
    private function hit(int $user): array
    {
        return $this->answered(FastCgi::get('127.0.0.1', $this->fpm->port, $this->site . '/checkout.php', 'user=' . $user, 60.0, ['DOCUMENT_ROOT' => $this->site]));
    }

    /** The site's order page, as the web server runs it: the fake core's prolog sets the site up from the spec. */
    private function writePage(): void
    {
        $spec = $this->spec(['install' => false, 'include' => [__DIR__ . '/release/checkout.php']]);
        file_put_contents($this->site . '/checkout.php', "<?php\n// The environment a web server would give the site.\nputenv(" . var_export(FakeSite::ENV . '=' . json_encode($spec, JSON_UNESCAPED_SLASHES), true)
            . ");\nrequire \$_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';\n");
    }

    /** @param array{headers?: string, body?: string, error?: string} $answer */
    private function answered(array $answer): array
    {
        $this->assertArrayNotHasKey('error', $answer, 'PHP-FPM answered: ' . ($answer['error'] ?? ''));
        $this->assertDoesNotMatchRegularExpression('~^Status: [45]~mi', $answer['headers'], 'a 200: ' . $answer['body']);
        $hit = json_decode($answer['body'], true);
        $this->assertIsArray($hit, 'the checkout ran to its end: ' . $answer['body'] . $this->fpm->log());
        $this->assertGreaterThan(0, $hit['order'], 'the order is saved');
        $this->assertSame([], $hit['errors'], 'checkout placed the order');
        $this->assertSame([], array_values(array_filter($hit['log'], static fn (array $e) => $e['SEVERITY'] !== 'INFO')), 'nothing failed');
        return $hit;
    }

    private static function assertVersions(array $expected, array $hit): void
    {
        self::assertSame($expected, [$hit['extension'], $hit['files'], $hit['installed']], 'extension, module files, installed version');
    }

    private function startShoppers(int $user): void
    {
        for ($i = 0; $i < self::SHOPPERS; $i++) {
            $this->drivers[] = ProcessGroup::start([PHP_BINARY, __DIR__ . '/release/drive.php', (string)$this->fpm->port, $this->site, (string)$user, $this->dir . '/stop'],
                [0 => ['file', '/dev/null', 'r'], 1 => ['file', $this->dir . "/shopper-$i.out", 'w'], 2 => ['file', $this->dir . "/shopper-$i.err", 'w']]);
        }
    }

    /** @return list<list<array>> every answer each shopper had so far, each checked */
    private function shoppersHits(): array
    {
        $hits = [];
        for ($i = 0; $i < self::SHOPPERS; $i++) {
            $lines = explode("\n", (string)@file_get_contents($this->dir . "/shopper-$i.out"));
            // The last line is the one being written, or none.
            array_pop($lines);
            $hits[$i] = array_map(fn (string $line) => $this->answered(json_decode($line, true, 512, JSON_THROW_ON_ERROR)), $lines);
        }
        return $hits;
    }

    /** Waits while the shoppers check out until each of them had two more hits, one of which (anyone's) is $what. */
    private function hitsUntil(callable $condition, string $what): void
    {
        $from = array_map('count', $this->shoppersHits());
        $deadline = microtime(true) + 120;
        do {
            usleep(50_000);
            $new = array_map(static fn (array $hits, int $from) => array_slice($hits, $from), $this->shoppersHits(), $from);
            $met = min(array_map('count', $new)) >= 2 && array_filter(array_merge(...$new), $condition) !== [];
        } while (!$met && microtime(true) < $deadline);
        $this->assertTrue($met, "$what (answers since: " . json_encode(array_map('count', $new)) . '): ' . $this->fpm->log());
    }

    /** @return list<array> every answer the shoppers had, once they stopped */
    private function stopShoppers(): array
    {
        touch($this->dir . '/stop');
        foreach ($this->drivers as $i => $driver) {
            $this->assertSame(0, $driver->wait(120), 'shopper: ' . file_get_contents($this->dir . "/shopper-$i.err"));
            $driver->stop();
        }
        $this->drivers = [];
        return array_merge(...$this->shoppersHits());
    }

    private function table(string $table): array
    {
        return FakeDatabase::table($this->dir . '/database', $table);
    }

    /** What the upgrade touches: options, the module's handlers and agents, and the points cart rule of each site. */
    private function tables(): array
    {
        $rules = [];
        foreach ($this->table('b_sale_discount')['rows'] as $rule) {
            if ($rule['XML_ID'] === CartRule::XML_ID) {
                $rules[$rule['LID']][] = $rule['ID'];
            }
        }
        ksort($rules);
        return [
            'options' => $this->table('b_option.json'),
            'handlers' => self::handlers($this->table('b_module_to_module')),
            'agents' => array_map(static fn (array $a) => $a['ID'] . ' ' . $a['NAME'], array_values(array_filter($this->table('b_agent')['agents'], static fn (array $a) => $a['MODULE_ID'] === self::MODULE))),
            'rules' => $rules,
            'log' => array_map(static fn (array $e) => $e['SEVERITY'] . ' ' . $e['DESCRIPTION'], $this->table('b_event_log')['entries']),
        ];
    }

    /** @return list<string> the module's registered handlers, sorted */
    private static function handlers(array $rows): array
    {
        $handlers = [];
        foreach ($rows as $row) {
            if ($row['TO_MODULE_ID'] === self::MODULE) {
                $handlers[] = implode(' ', [$row['FROM_MODULE_ID'] . ':' . $row['MESSAGE_ID'], $row['TO_CLASS'] . '::' . $row['TO_METHOD'], 'v' . $row['VERSION'], $row['SORT']]);
            }
        }
        sort($handlers);
        return $handlers;
    }

    /**
     * What this version's installer registers, on a shop of this process (which loads the module's classes here too).
     *
     * @return array{version: string, handlers: list<string>, agents: list<string>}
     */
    private function thisVersionInstalls(): array
    {
        $shop = FakeShop::open(self::SITES);
        try {
            $shop->installModule();
            return [
                'version' => ModuleVersion::files(),
                'handlers' => self::handlers(EventManager::getInstance()->fakeRows()),
                'agents' => array_values(array_column(array_filter(\CAgent::fakeRows(), static fn (array $a) => $a['MODULE_ID'] === self::MODULE), 'NAME')),
            ];
        } finally {
            $shop->close();
        }
    }

    private function assertKeptAndUpgraded(array $before, array $after, array $installs): void
    {
        $expected = $before['options'];
        $expected[self::MODULE]['']['installed_version'] = $installs['version'];
        $this->assertEquals($expected, $after['options'], 'the settings as process A left them, the version installed recorded');

        $this->assertSame($installs['handlers'], $after['handlers'], 'the handlers as this version installs them');
        $this->assertContains('main:OnAdminSaleOrderView Rustbox\Mindbox\Handlers\OrderTab::onAdminSaleOrderView v1 1000', $after['handlers']);
        foreach (array_keys(Renamed::CLASSES) as $former) {
            $this->assertStringNotContainsString($former . '::', implode("\n", $after['handlers']), 'nothing under a former name');
        }
        $this->assertSame($before['agents'], $after['agents'], 'the agents kept');
        $this->assertEqualsCanonicalizing($installs['agents'], array_map(static fn (string $a) => explode(' ', $a, 2)[1], $after['agents']), 'the agents this version installs');
        $this->assertSame(['s1' => $before['rules']['s1'], 's2' => $before['rules']['s2']], $after['rules'], 'one cart rule a site, the same');
        $this->assertCount(1, $before['rules']['s1']);
        $this->assertCount(1, $before['rules']['s2']);
    }

    /** Mindbox back: the outbox delivered by the module's flush agent run from cron (and the workers), each event once. */
    private function assertEveryEventReceivedOnce(array $sends): void
    {
        $this->emulator->clearFaults();
        $cron = $this->spec(['install' => false, 'include' => [__DIR__ . '/release/cron.php']]);
        $deadline = microtime(true) + 300;
        do {
            $run = $this->cli(Binaries::extension(), $cron, 'cron');
            $this->assertSame(1, $run['ran'], 'the flush agent as b_agent holds it');
        } while ($run['outbox']['pending'] > 0 && microtime(true) < $deadline);
        $this->assertSame(0, $run['outbox']['pending'], 'the outbox delivered');
        $this->assertSame(0, $run['outbox']['failed'], 'nothing refused');

        $journal = $this->emulator->journal(['outcome' => 'processed']);
        $received = array_count_values(array_column($journal, 'transactionId'));
        $expected = array_fill_keys(array_column($sends, 'transactionId'), 1);
        ksort($received);
        ksort($expected);
        $strays = array_filter($journal, static fn (array $e) => !isset($expected[$e['transactionId']]));
        $this->assertSame($expected, $received, 'every event received, once; not sent by the hits: ' . json_encode(array_map(static fn (array $e) => [$e['operation'], $e['body']], $strays)));
        $this->assertSame([], $this->emulator->journal(['outcome' => 'duplicate']), 'nothing sent twice');
    }
}
