<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Rustbox\Mindbox\Admin\ConnectionCheck;

/** The settings page's "check connection" button, against the emulator through the real extension. */
final class ConnectionCheckTest extends EndToEndTestCase
{
    public function testAWorkingSetupIsReportedAsWorking(): void
    {
        $result = ConnectionCheck::run('');

        $this->assertTrue($result['ok'], $result['message']);
        $this->assertSame('Mindbox answers and accepts the key.', $result['message']);
        $this->assertSame(['Website.GetCustomerBalance'], array_column(self::$emulator->journal(), 'operation'));
    }

    public function testAWrongKeyIsReportedAsSuch(): void
    {
        $this->shop->configure(['secret_key' => 'wrong-key']);

        $result = ConnectionCheck::run('');

        $this->assertFalse($result['ok']);
        $this->assertStringStartsWith('Mindbox refused the key or the endpoint id', $result['message']);
        $this->assertStringNotContainsString('wrong-key', $result['message']);
    }

    public function testAnUnreachableHostIsReportedAsSuch(): void
    {
        $this->shop->configure(['api_url' => 'http://127.0.0.1:9', 'timeout' => '1']);

        $result = ConnectionCheck::run('');

        $this->assertFalse($result['ok']);
        $this->assertStringStartsWith('Mindbox cannot be reached', $result['message']);
    }
}
