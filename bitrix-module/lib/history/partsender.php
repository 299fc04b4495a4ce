<?php

namespace Rustbox\Mindbox\History;

use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Mindbox;

/**
 * Sends a sealed part with MindboxClient::importBulk() under its own transactionId, and says what came of it: sent
 * (Mindbox answered it, or had it already), deferred (the hourly budget, a 429 or Mindbox unavailable: the extension
 * says until when, and every process of the outbox waits as long), or refused (Mindbox or the extension will not take
 * it: not sent again by itself). The operation names are read at each send, so a run stopped by a wrong one goes on
 * once it is set right.
 */
final class PartSender
{
    public const SENT = 'sent';
    public const DEFERRED = 'deferred';
    public const REFUSED = 'refused';

    public function __construct(private readonly Settings $settings)
    {
    }

    /**
     * @param JobState::CUSTOMERS|JobState::ORDERS $entity
     * @return array{outcome: 'sent', answer: array, alreadyProcessed: bool}
     *     | array{outcome: 'deferred', retryAt: int, reason: string, message: string}
     *     | array{outcome: 'refused', message: string, answer?: array}
     */
    public function send(string $entity, string $path, string $transactionId): array
    {
        try {
            $result = Mindbox::client($this->settings->siteId())->importBulk($this->settings->history()->operation($entity), $path, $transactionId);
        } catch (\MindboxValidationException $e) {
            return ['outcome' => self::REFUSED, 'message' => $e->getMessage(), 'answer' => ['validationMessages' => $e->getValidationMessages()]];
        } catch (\MindboxProtocolException $e) {
            return ['outcome' => self::REFUSED, 'message' => sprintf('HTTP %d: %s', $e->getHttpStatus(), $e->getMessage()),
                'answer' => ['httpStatus' => $e->getHttpStatus(), 'errorId' => $e->getErrorId()]];
        } catch (\MindboxInvalidArgumentException $e) {
            return ['outcome' => self::REFUSED, 'message' => $e->getMessage()];
        }
        if (($result['status'] ?? null) === 'deferred') {
            return ['outcome' => self::DEFERRED, 'retryAt' => (int)$result['retryAt'], 'reason' => (string)$result['reason'],
                'message' => (string)($result['message'] ?? '')];
        }
        return ['outcome' => self::SENT, 'answer' => (array)($result['answer'] ?? []), 'alreadyProcessed' => (bool)($result['alreadyProcessed'] ?? false)];
    }
}
