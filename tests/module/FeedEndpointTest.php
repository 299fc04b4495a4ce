<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Config\Option;
use MindboxTests\Bitrix\Fakes\FakeCatalogue;
use MindboxTests\Bitrix\Fakes\FakeSite;
use MindboxTests\Support\Emulator;
use MindboxTests\Support\PhpServer;
use Rustbox\Mindbox\Admin\OptionsForm;
use Rustbox\Mindbox\Feed\FeedEndpoint;

require_once dirname(__DIR__) . '/support/process/PhpServer.php';

/**
 * The feed's endpoint as the installer puts it on the site (/bitrix/tools/rustbox.mindbox/feed.php), served by PHP's
 * built-in server on loopback from the shop's document root, its core the fake one (FakeSite) holding the options the
 * shop saved here; the emulator fetches it as Mindbox does.
 */
final class FeedEndpointTest extends FeedTestCase
{
    private const TOKEN = '0123456789abcdef0123456789abcdef';
    private const LOGIN = 'mindbox';
    private const PASSWORD = 'correct horse: battery';

    private ?PhpServer $server = null;
    private ?Emulator $emulator = null;

    protected function setUp(): void
    {
        parent::setUp();
        FakeSite::create($this->shop->documentRoot);
        // The built-in server runs the requested script itself when its router declines.
        file_put_contents($this->shop->documentRoot . '/router.php', "<?php\nreturn false;\n");
        $this->shop->configure(['feed_token' => self::TOKEN], 's1');
        // Every awkward case of the fake catalogue (no price, no section, long descriptions, SKUs, control
        // characters): Mindbox must take all of it.
        FakeCatalogue::install(60, 3);
    }

    protected function tearDown(): void
    {
        $this->server?->stop();
        $this->emulator?->stop();
        parent::tearDown();
    }

    public function testTheRightLoginAndPasswordGetTheFileAWrongOneOrNoneA401(): void
    {
        $summary = $this->generate();
        $this->protect();
        $url = FeedEndpoint::url('s1');
        $this->assertSame('https://shop.example/bitrix/tools/rustbox.mindbox/feed.php?site=s1', $url, 'the token, which opens the file\'s own address, kept out');
        $url = $this->serve($url);

        [$status, $headers, $body] = $this->fetch($url, auth: self::LOGIN . ':' . self::PASSWORD);
        $this->assertSame(200, $status);
        $this->assertSame(file_get_contents($this->job()->path()), $body);
        $this->assertSame('text/xml; charset=utf-8', $headers['content-type']);
        $this->assertSame((string)$summary['bytes'], $headers['content-length']);
        $this->assertSame(gmdate('D, d M Y H:i:s', filemtime($this->job()->path())) . ' GMT', $headers['last-modified']);

        foreach (['wrong password' => self::LOGIN . ':nope', 'wrong login' => 'admin:' . self::PASSWORD, 'none' => null] as $case => $auth) {
            [$status, $headers, $body] = $this->fetch($url, auth: $auth);
            $this->assertSame(401, $status, $case);
            $this->assertSame('Basic realm="Mindbox product feed", charset="UTF-8"', $headers['www-authenticate'], $case);
            $this->assertStringNotContainsString('<offer', $body, $case);
        }

        $verdict = $this->emulator()->feedVerdict($url, self::LOGIN, self::PASSWORD);
        $this->assertSame([], $verdict['issues']);
        $this->assertSame([], $verdict['rejected']);
        $this->assertSame($summary['offers'], $verdict['offers']);
        $this->assertNotSame([], $this->emulator()->feedVerdict($url, self::LOGIN, 'nope')['issues'], 'access denied');
    }

    public function testWithoutAPasswordTheAddressAloneGetsTheFileAndNothingElseIsServed(): void
    {
        $this->generate();
        $url = FeedEndpoint::url('s1');
        $this->assertSame('https://shop.example/bitrix/tools/rustbox.mindbox/feed.php?site=s1&token=' . self::TOKEN, $url);
        $url = $this->serve($url);

        [$status, , $body] = $this->fetch($url);
        $this->assertSame(200, $status);
        $this->assertSame(file_get_contents($this->job()->path()), $body);

        $base = $this->server->baseUrl . FeedEndpoint::PATH;
        foreach ([
            'another token' => ['site' => 's1', 'token' => str_repeat('f', 32)],
            'no token' => ['site' => 's1'],
            'another site' => ['site' => 's2', 'token' => self::TOKEN],
            'a path for a zone' => ['site' => 's1', 'token' => self::TOKEN, 'zone' => '../../bitrix/.settings'],
            'a zone as a list' => ['site' => 's1', 'token' => self::TOKEN, 'zone' => ['msk']],
            'a zone without a feed' => ['site' => 's1', 'token' => self::TOKEN, 'zone' => 'msk'],
        ] as $case => $query) {
            [$status, $headers, $body] = $this->fetch($base . '?' . http_build_query($query));
            $this->assertSame(404, $status, $case);
            $this->assertSame('text/plain; charset=utf-8', $headers['content-type'], $case);
            $this->assertStringNotContainsString('<offer', $body, $case);
        }
        [$status, $headers] = $this->fetch($url, method: 'POST');
        $this->assertSame([405, 'GET, HEAD'], [$status, $headers['allow']]);
    }

    public function testAGzipFeedIsSentAsItIsAsApplicationXGzipWithHeadAnd304(): void
    {
        $this->shop->configure(['feed_gzip' => 'Y'], 's1');
        $summary = $this->generate();
        $this->protect();
        $url = $this->serve(FeedEndpoint::url('s1'));
        $auth = self::LOGIN . ':' . self::PASSWORD;

        [$status, $headers, $body] = $this->fetch($url, auth: $auth);
        $this->assertSame(200, $status);
        $this->assertSame('application/x-gzip', $headers['content-type']);
        $this->assertArrayNotHasKey('content-encoding', $headers, 'the file is the gzip, not the transfer');
        $this->assertSame(file_get_contents($this->job()->path()), $body);
        $this->assertStringStartsWith("\x1f\x8b", $body);

        [$status, $head, $body] = $this->fetch($url, auth: $auth, method: 'HEAD');
        $this->assertSame([200, '', (string)$summary['bytes']], [$status, $body, $head['content-length']]);
        $this->assertSame($headers['last-modified'], $head['last-modified']);

        [$status, , $body] = $this->fetch($url, auth: $auth, headers: ['If-Modified-Since: ' . $headers['last-modified']]);
        $this->assertSame([304, ''], [$status, $body], 'unchanged since');
        $earlier = gmdate('D, d M Y H:i:s', filemtime($this->job()->path()) - 60) . ' GMT';
        [$status] = $this->fetch($url, auth: $auth, headers: ['If-Modified-Since: ' . $earlier]);
        $this->assertSame(200, $status, 'changed since');

        $verdict = $this->emulator()->feedVerdict($url, self::LOGIN, self::PASSWORD);
        $this->assertSame([[], [], true, $summary['offers']], [$verdict['issues'], $verdict['rejected'], $verdict['gzip'], $verdict['offers']]);
    }

    /** The rules of answer() that loopback cannot show: plain http from elsewhere, the header a FastCGI server passes. */
    public function testAProtectedFeedIsRefusedOverPlainHttpFromAnotherMachine(): void
    {
        $this->generate();
        $this->protect();
        $query = ['site' => 's1'];
        $elsewhere = ['REQUEST_METHOD' => 'GET', 'REMOTE_ADDR' => '203.0.113.9'];
        $basic = ['HTTP_AUTHORIZATION' => 'Basic ' . base64_encode(self::LOGIN . ':' . self::PASSWORD)];

        $this->assertSame(403, FeedEndpoint::answer($query, $elsewhere + $basic, false)['status']);
        $this->assertSame(200, $this->answered($query, $elsewhere + $basic, true));
        $this->assertSame(401, $this->answered($query, $elsewhere, true));
        $this->assertSame(200, $this->answered($query, ['REMOTE_ADDR' => '::1'] + $elsewhere + $basic, false), 'this machine');
        $this->assertSame(200, $this->answered($query, ['PHP_AUTH_USER' => self::LOGIN, 'PHP_AUTH_PW' => self::PASSWORD] + $elsewhere, true));
        $this->assertSame(401, $this->answered($query, ['HTTP_AUTHORIZATION' => 'Basic not-base64!'] + $elsewhere, true));
    }

    public function testThePasswordIsStoredHashedNeverShownAndKeptWhenLeftEmpty(): void
    {
        $this->protect();
        $stored = Option::get('rustbox.mindbox', 'feed_password', '', 's1');
        $this->assertNotSame(self::PASSWORD, $stored);
        $this->assertTrue(password_verify(self::PASSWORD, $stored));
        $this->assertSame('', (new OptionsForm('s1'))->values()['feed_password']);

        (new OptionsForm('s1'))->save(['feed_login' => self::LOGIN, 'feed_password' => '']);
        $this->assertSame($stored, Option::get('rustbox.mindbox', 'feed_password', '', 's1'));
        $this->assertSame(['login' => self::LOGIN, 'hash' => $stored], \Rustbox\Mindbox\Config\Settings::forSite('s1')->feed()->credentials());

        (new OptionsForm('s1'))->save(['feed_login' => '']);
        $this->assertNull(\Rustbox\Mindbox\Config\Settings::forSite('s1')->feed()->credentials(), 'no login: no password asked');
    }

    public function testTheInstallerPutsTheEndpointOnTheSiteAndUninstallingTakesItAway(): void
    {
        $installed = $this->shop->documentRoot . FeedEndpoint::PATH;
        $this->assertFileEquals(dirname(__DIR__, 2) . '/bitrix-module/install/tools/rustbox.mindbox/feed.php', $installed);

        $this->assertTrue($this->shop->uninstallModule());
        $this->assertDirectoryDoesNotExist(dirname($installed));
        $this->assertDirectoryExists(dirname($installed, 2), 'the core\'s own tools stay');
    }

    /** The login and password as the settings page saves them for s1. */
    private function protect(): void
    {
        $this->assertSame([], (new OptionsForm('s1'))->save(['feed_login' => self::LOGIN, 'feed_password' => self::PASSWORD]));
    }

    /** Starts the site's web server with what the shop saved for s1; $url moved onto it. */
    private function serve(string $url): string
    {
        $root = $this->shop->documentRoot;
        $site = ['servers' => ['s1' => 'shop.example'], 'options' => ['s1' => Option::fakeAll()['rustbox.mindbox']['s1']]];
        $this->server = PhpServer::start($root . '/router.php', FakeSite::environment($site), $root);
        return $this->server->baseUrl . substr($url, strlen('https://shop.example'));
    }

    private function emulator(): Emulator
    {
        return $this->emulator ??= Emulator::start();
    }

    private function answered(array $query, array $server, bool $https): int
    {
        $answer = FeedEndpoint::answer($query, $server, $https);
        if (isset($answer['file'])) {
            fclose($answer['file']);
        }
        return $answer['status'];
    }

    /** @return array{0: int, 1: array<string, string>, 2: string} status, headers by lower-case name, body */
    private function fetch(string $url, ?string $auth = null, string $method = 'GET', array $headers = []): array
    {
        $curl = curl_init($url);
        $received = [];
        curl_setopt_array($curl, [
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_NOBODY => $method === 'HEAD',
            CURLOPT_HTTPHEADER => $headers,
            CURLOPT_TIMEOUT => 30,
            CURLOPT_HEADERFUNCTION => static function ($curl, string $line) use (&$received): int {
                if (str_contains($line, ':')) {
                    [$name, $value] = explode(':', $line, 2);
                    $received[strtolower(trim($name))] = trim($value);
                }
                return strlen($line);
            },
        ] + ($auth === null ? [] : [CURLOPT_USERPWD => $auth]));
        $body = curl_exec($curl);
        $this->assertIsString($body, curl_error($curl));
        $status = curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
        curl_close($curl);
        return [$status, $received, $body];
    }
}
