<?php

namespace Rustbox\Mindbox\Outbox;

use Bitrix\Main\Event;
use Bitrix\Main\EventResult;
use Rustbox\Mindbox\Config\Operation;
use Rustbox\Mindbox\Config\Options;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Shop\Visitor;

/**
 * Hands a mapped body to the client, after the module's own event `rustbox.mindbox:OnBeforeSend` let site code
 * change or cancel it.
 *
 * A handler of OnBeforeSend gets the parameters `operation` (an Operation value such as "create_order"), `siteId`,
 * `body` and `options`; it returns `new EventResult(EventResult::SUCCESS, ['body' => …, 'options' => …])` to replace
 * them, or an `EventResult::ERROR` to send nothing.
 */
final class Dispatcher
{
    public const EVENT_BEFORE_SEND = 'OnBeforeSend';

    /**
     * @param array $options the client options the operation needs besides the visitor's (deviceUUID, customerIp,
     *        which are added here as the operation allows)
     * @param ?string $name the Mindbox operation, when not the operation's own (an order's status change goes under
     *        the order update's switch with a name of its own)
     * @return string|null the transactionId, or null when nothing was sent
     */
    public static function send(Operation $operation, Settings $settings, array $body, array $options = [], ?string $name = null): ?string
    {
        if (!$settings->isEnabled($operation)) {
            return null;
        }
        $options = array_replace(Visitor::current()->optionsFor($operation), $options);
        $event = new Event(Options::MODULE_ID, self::EVENT_BEFORE_SEND, [
            'operation' => $operation->value,
            'siteId' => $settings->siteId(),
            'body' => $body,
            'options' => $options,
        ]);
        $event->send();
        foreach ($event->getResults() as $result) {
            if ($result->getType() === EventResult::ERROR) {
                return null;
            }
            $changes = $result->getParameters();
            if (is_array($changes)) {
                $body = is_array($changes['body'] ?? null) ? $changes['body'] : $body;
                $options = is_array($changes['options'] ?? null) ? $changes['options'] : $options;
            }
        }
        $client = Mindbox::client($settings->siteId());
        $helper = $operation->helper();
        return $helper === null || $name !== null
            ? $client->send($name ?? $settings->operationName($operation), $body, $options)
            : $client->$helper($body, $options);
    }
}
