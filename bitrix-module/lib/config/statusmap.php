<?php

namespace Rustbox\Mindbox\Config;

/**
 * Bitrix order status id → Mindbox order line status, from the `status_map` option (a JSON object). The key
 * `CANCELED` stands for the order's cancel flag, which Bitrix keeps apart from its status, `DELETED` for the
 * order's deletion, and `RETURNED` for what is taken off an order once paid (a line removed, a quantity reduced).
 */
final class StatusMap
{
    public const CANCELED = 'CANCELED';
    public const DELETED = 'DELETED';
    public const RETURNED = 'RETURNED';
    /** Mindbox's own names of a cancelled and a returned line, for a shop that maps none to `CANCELED`, `RETURNED`. */
    private const MINDBOX_CANCELLED = 'Cancelled';
    private const MINDBOX_RETURNED = 'Returned';

    private function __construct(private readonly array $map)
    {
    }

    public static function fromJson(string $json): self
    {
        $decoded = json_decode($json !== '' ? $json : '{}', true);
        $map = [];
        foreach (is_array($decoded) ? $decoded : [] as $bitrix => $mindbox) {
            if (is_string($mindbox) && trim($mindbox) !== '') {
                $map[(string)$bitrix] = trim($mindbox);
            }
        }
        return new self($map);
    }

    public function mindboxStatus(string $bitrixStatus): ?string
    {
        return $this->map[$bitrixStatus] ?? null;
    }

    /** The Mindbox status that cancels an order: the mapped `CANCELED`, else Mindbox's standard one. */
    public function cancelled(): string
    {
        return $this->mindboxStatus(self::CANCELED) ?? self::MINDBOX_CANCELLED;
    }

    /**
     * The status of a part taken off an order (a line removed, a quantity reduced): returned once the order is paid,
     * else cancelled; Mindbox splits the line so.
     */
    public function takenOff(bool $paid): string
    {
        return $paid ? $this->mindboxStatus(self::RETURNED) ?? self::MINDBOX_RETURNED : $this->cancelled();
    }

    /**
     * The Mindbox status of an order as it stands (the history's lines): a cancelled one's is cancelled(), whatever its
     * Bitrix status; else its status's, null when the map has none.
     */
    public function ofOrder(bool $isCanceled, string $statusId): ?string
    {
        return $isCanceled ? $this->cancelled() : $this->mindboxStatus($statusId);
    }

    public function toArray(): array
    {
        return $this->map;
    }
}
