<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Rustbox\Mindbox\Mindbox;

/**
 * A shop of a web cluster: the module keeps the outbox in the site's own MySQL database (the MariaDB that
 * scripts/test.sh starts stands for it), and events go through it to Mindbox.
 */
final class SiteDatabaseEndToEndTest extends EndToEndTestCase
{
    public function testEventsGoThroughTheSitesOwnDatabase(): void
    {
        $url = (string)getenv('MINDBOX_TEST_MYSQL_URL');
        if ($url === '') {
            $this->markTestSkipped('no MariaDB (scripts/test.sh starts one and sets MINDBOX_TEST_MYSQL_URL)');
        }
        $server = parse_url($url);
        $connection = [
            'className' => '\\Bitrix\\Main\\DB\\MysqliConnection',
            'host' => $server['host'] . ':' . $server['port'],
            'database' => ltrim($server['path'], '/'),
            'login' => rawurldecode($server['user']),
            'password' => rawurldecode($server['pass'] ?? ''),
        ];
        file_put_contents(
            $this->shop->documentRoot . '/bitrix/.settings.php',
            '<?php return ' . var_export(['connections' => ['value' => ['default' => $connection], 'readonly' => true]], true) . ';'
        );
        $this->shop->configure(['outbox_path' => 'site-database']);
        $email = sprintf('cluster-%s@example.com', bin2hex(random_bytes(4)));

        (new \CUser())->Register('node', 'Nina', 'Node', 'secret1', 'secret1', $email, 's1', '', 0, false, '');

        $this->assertStringStartsWith('mysql://', Mindbox::settings('s1')->clientConfig()['outbox']);
        $registered = array_filter($this->delivered(), static fn (array $e) => $e['operation'] === 'Website.Register' && ($e['body']['customer']['email'] ?? '') === $email);
        $this->assertCount(1, $registered, 'delivered from the site database');
    }
}
