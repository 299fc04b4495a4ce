<?php

namespace Rustbox\Mindbox\Loyalty;

use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Mappers\ProcessingMapper;
use Rustbox\Mindbox\Mindbox;
use Rustbox\Mindbox\Support\Guid;

/**
 * The cancellation in Mindbox of an order confirmed at checkout under a temporary id, for when Bitrix does not save
 * it. It is queued in the outbox before the confirmation is asked for, to go out only after `unsaved_cancel_seconds`,
 * so that even a hit that dies between the two (killed, out of memory, a fatal error) leaves no order spent in
 * Mindbox that the shop does not have; the save withdraws it. A save refused within the hit sends it at once. Both
 * are one transaction to Mindbox, named after the temporary id.
 */
final class Cancellation
{
    public function __construct(private readonly Settings $settings, private readonly string $tempId)
    {
    }

    /** @throws \Throwable when the outbox cannot take it: then nothing may be confirmed */
    public function arm(): void
    {
        $this->queue($this->settings->unsavedCancelSeconds());
    }

    /** @return bool false when it was no longer waiting (already sent): the order is cancelled in Mindbox */
    public function withdraw(): bool
    {
        return Mindbox::client($this->settings->siteId())->withdraw($this->transactionId());
    }

    public function sendNow(): void
    {
        $this->withdraw();
        $this->queue(0.0);
    }

    private function queue(float $delay): void
    {
        $body = (new ProcessingMapper($this->settings))->cancellation($this->tempId);
        $options = ['transactionId' => $this->transactionId(), 'orderingKey' => 'checkout-' . $this->tempId];
        if ($delay > 0) {
            $options['delay'] = $delay;
        }
        // Straight to the client: money must not depend on `enabled_events` or an OnBeforeSend handler.
        Mindbox::client($this->settings->siteId())->updateOrder($body, $options);
    }

    private function transactionId(): string
    {
        return Guid::nameBased('cancel|' . $this->tempId);
    }
}
