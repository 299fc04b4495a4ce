<?php

namespace Rustbox\Mindbox;

/**
 * Bitrix order status id → Mindbox order line status, from the `status_map` option (a JSON object). The key
 * `CANCELED` stands for the order's cancel flag, which Bitrix keeps apart from its status, and `DELETED` for the
 * order's deletion.
 */
final class StatusMap
{
    public const CANCELED = 'CANCELED';
    public const DELETED = 'DELETED';

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

    public function toArray(): array
    {
        return $this->map;
    }
}
