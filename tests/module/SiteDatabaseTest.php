<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Rustbox\Mindbox\ConfigurationException;
use Rustbox\Mindbox\Mindbox;

/** `outbox_path` = site-database: the outbox in the site's own MySQL database, as bitrix/.settings.php names it. */
final class SiteDatabaseTest extends ModuleTestCase
{
    /** Writes bitrix/.settings.php as Bitrix keeps it: each entry a value and a readonly flag. */
    private function siteConnection(array $connection): void
    {
        $settings = ['connections' => ['value' => ['default' => $connection + ['className' => '\\Bitrix\\Main\\DB\\MysqliConnection', 'options' => 2]], 'readonly' => true]];
        file_put_contents($this->shop->documentRoot . '/bitrix/.settings.php', '<?php return ' . var_export($settings, true) . ';');
        $this->shop->configure(['outbox_path' => 'site-database']);
    }

    public function testTheOutboxIsTheSitesOwnDatabaseWithItsCredentialsEncoded(): void
    {
        $this->siteConnection(['host' => 'db.local:3307', 'database' => 'site db', 'login' => 'bx@user', 'password' => 'p@ss:w/rd']);

        Mindbox::client('s1');

        $this->assertSame('mysql://bx%40user:p%40ss%3Aw%2Frd@db.local:3307/site%20db?prefix=b_rustbox_mindbox_', $this->configs[0]['outbox']);
    }

    public function testASocketHostBecomesTheSocketForm(): void
    {
        $this->siteConnection(['host' => 'localhost:/var/run/mysqld/mysqld.sock', 'database' => 'sitedb', 'login' => 'bitrix', 'password' => '']);

        Mindbox::client('s1');

        $this->assertSame('mysql://bitrix@localhost/sitedb?prefix=b_rustbox_mindbox_&socket=%2Fvar%2Frun%2Fmysqld%2Fmysqld.sock', $this->configs[0]['outbox']);
    }

    public function testASiteOnAnotherDatabaseIsToldSo(): void
    {
        $this->siteConnection(['className' => '\\Bitrix\\Main\\DB\\MssqlConnection', 'host' => 'sql', 'database' => 'd', 'login' => 'u', 'password' => 'p']);

        $this->expectException(ConfigurationException::class);
        $this->expectExceptionMessage('not a MySQL one');
        Mindbox::client('s1');
    }
}
