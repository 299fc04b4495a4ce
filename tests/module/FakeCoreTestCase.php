<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use Bitrix\Main\Event;
use Bitrix\Main\EventManager;
use Bitrix\Main\ModuleManager;
use MindboxTests\Bitrix\Fakes\FakeShop;
use PHPUnit\Framework\TestCase;

/** What the fake core's own tests share: a fresh shop per test and handlers that record what they were given. */
abstract class FakeCoreTestCase extends TestCase
{
    protected FakeShop $shop;
    protected static array $seen = [];

    protected function setUp(): void
    {
        $this->shop = FakeShop::open();
        self::$seen = [];
    }

    protected function tearDown(): void
    {
        $this->shop->close();
    }

    public static function record(...$args): void
    {
        self::$seen[] = $args;
    }

    public static function recordAndChange(array &$fields): void
    {
        self::$seen[] = $fields;
        $fields['RESULT_MESSAGE'] = 'changed by a handler';
    }

    protected function listen(string $module, array $events): void
    {
        ModuleManager::registerModule('test.module');
        foreach ($events as $event) {
            EventManager::getInstance()->registerEventHandler($module, $event, 'test.module', self::class, 'recordEvent');
        }
    }

    public static function recordEvent(Event $event): void
    {
        $parameters = $event->getParameters();
        unset($parameters['ENTITY'], $parameters['object']);
        self::$seen[] = [$event->getEventType(), $parameters];
    }
}
