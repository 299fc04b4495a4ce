<?php

namespace Rustbox\Mindbox\Admin;

use Bitrix\Main\Localization\Loc;
use Bitrix\Main\Type\DateTime;
use Rustbox\Mindbox\Mappers\OrderChange;
use Rustbox\Mindbox\Support\Kopecks;

Loc::loadMessages(__FILE__);

/**
 * The Mindbox tab's HTML, made from OrderPage::data() alone: rows of the tab control's table (the core's
 * CAdminTabControl::BeginNextTab() opens a table body for a custom tab). Every value is escaped.
 */
final class OrderBlock
{
    /**
     * @param array $data OrderPage::data()
     * @param ?string $action where "send again" posts; null for a user who may not send it again
     * @param bool $insideForm the page's own form holds the tab (the edit page): a form cannot hold another, so the
     *     button posts to the action by its formaction, with the page's own sessid field
     */
    public static function html(array $data, ?string $action, bool $insideForm): string
    {
        $html = '';
        $told = $data['told'];
        if ($told === null) {
            $html .= self::row(Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_TOLD'), self::e(Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_NOT_TOLD')));
        } else {
            $status = (string)$told['status'] !== '' ? self::e($told['status']) : self::e(Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_NO_STATUS'));
            $html .= self::row(Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_STATUS'), $status)
                . self::row(Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_TOTAL'), self::e(self::money($told['total'])))
                . self::row(Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_DELIVERY_COST'), self::e(self::money($told['delivery'])))
                . self::row(Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_SAVED_AT'), self::e(DateTime::createFromTimestamp(intdiv((int)$data['savedAt'], 1000))->toString()))
                . self::row(Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_DELIVERY'), self::delivery($data, $action, $insideForm))
                . '<tr><td colspan="2">' . self::lines($told, $data['lines']) . '</td></tr>'
                . self::repricing($data, $action, $insideForm);
        }
        $earned = $told['processing']['earned'] ?? null;
        return $html . self::row(Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_POINTS_SPENT'), self::points($data))
            . self::row(Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_POINTS_EARNED'),
                self::e($earned !== null ? self::money($earned) : Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_EARNED_UNKNOWN')));
    }

    /** A row saying why there is nothing else to show. */
    public static function message(string $text): string
    {
        return '<tr><td colspan="2">' . self::e($text) . '</td></tr>';
    }

    /** Where the item that told Mindbox stands; a parked one with Mindbox's answer and "send again". */
    private static function delivery(array $data, ?string $action, bool $insideForm): string
    {
        $state = match ($data['delivery']) {
            'delivered' => Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_DELIVERED'),
            'pending' => Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_PENDING'),
            default => Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_FAILED'),
        };
        $html = self::e($state);
        if ($data['transactionId'] !== null) {
            $html .= '<br>transactionId: ' . self::e($data['transactionId']);
        }
        $failure = $data['failure'];
        if ($data['delivery'] !== 'failed' || $failure === null) {
            return $html;
        }
        $html .= '<br>' . self::e(Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_ANSWER', [
            '#HTTP#' => $failure['httpStatus'] ?? '',
            '#STATUS#' => trim(($failure['status'] ?? '') . ' ' . ($failure['errorId'] ?? '')),
            '#MESSAGE#' => $failure['message'] ?? '',
            '#ATTEMPTS#' => $failure['attempts'] ?? '',
        ]));
        if ($action === null) {
            return $html . '<br>' . self::e(Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_ADMIN_ONLY'));
        }
        $hint = '<br>' . self::e(Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_SEND_AGAIN_HINT')) . '<br>';
        return $html . $hint . self::buttons($action, $insideForm, ['item' => [$failure['id'] => 'RUSTBOX_MINDBOX_ORDER_BLOCK_SEND_AGAIN']]);
    }

    /**
     * An edit Mindbox recalculated at another total (Loyalty\Repricing): both totals, and the manager's choice. Told
     * at once, the totals are kept beside the snapshot; parked from the outbox, Mindbox's is in its answer only.
     */
    private static function repricing(array $data, ?string $action, bool $insideForm): string
    {
        $dispute = $data['told']['repricing'] ?? null;
        if ($dispute !== null) {
            $mindbox = $dispute['mindbox'] !== null ? self::money($dispute['mindbox']) : Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_UNKNOWN_TOTAL');
            $text = Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_REPRICED_TOTALS', ['#BITRIX#' => self::money($dispute['bitrix']), '#MINDBOX#' => $mindbox]);
            $choices = ['keep' => 'RUSTBOX_MINDBOX_ORDER_BLOCK_KEEP'] + ($dispute['lines'] !== [] ? ['apply' => 'RUSTBOX_MINDBOX_ORDER_BLOCK_APPLY'] : []);
        } elseif (OrderPage::priceChangeParked($data)) {
            $text = Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_REPRICED_PARKED', ['#BITRIX#' => self::money($data['told']['total'] - $data['told']['delivery'])]);
            $choices = ['keep' => 'RUSTBOX_MINDBOX_ORDER_BLOCK_KEEP'];
        } else {
            return '';
        }
        $html = self::e($text);
        if ($action === null) {
            return self::row(Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_REPRICED'), $html . '<br>' . self::e(Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_ADMIN_ONLY')));
        }
        $html .= '<br>' . self::e(Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_REPRICE_HINT')) . '<br>' . self::buttons($action, $insideForm, ['reprice' => $choices]);
        return self::row(Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_REPRICED'), $html);
    }

    /**
     * Buttons posting to the tab's action page: a form of their own, or on the edit page, whose own form holds the tab
     * (a form cannot hold another), by their formaction with the page's own sessid field.
     *
     * @param array<string, array<string, string>> $buttons by field name, value => label's message code
     */
    private static function buttons(string $action, bool $insideForm, array $buttons): string
    {
        $html = '';
        foreach ($buttons as $name => $values) {
            foreach ($values as $value => $label) {
                $html .= '<button type="submit" class="adm-btn" name="' . self::e($name) . '" value="' . self::e($value) . '" formaction="' . self::e($action)
                    . '" formmethod="post" formenctype="application/x-www-form-urlencoded">' . self::e(Loc::getMessage($label)) . '</button> ';
            }
        }
        return $insideForm ? $html : '<form method="post" action="' . self::e($action) . '">' . bitrix_sessid_post() . $html . '</form>';
    }

    /**
     * The lines as Mindbox holds them, by lineNumber: those still bought with the order's status, the parts taken off
     * with their own (cancelled, returned).
     *
     * @param array<string, array{name: string, points: int}> $now the order's lines now, for their names
     */
    private static function lines(array $told, array $now): string
    {
        $rows = [];
        foreach (OrderChange::bought($told) as $part) {
            $rows[] = $part + ['status' => (string)$told['status']] + $told['lines'][$part['lineId']];
        }
        foreach ($told['takenOff'] as $part) {
            $rows[] = $part;
        }
        usort($rows, static fn (array $a, array $b) => $a['number'] <=> $b['number']);
        $header = ['RUSTBOX_MINDBOX_ORDER_BLOCK_COL_NUMBER', 'RUSTBOX_MINDBOX_ORDER_BLOCK_COL_LINE', 'RUSTBOX_MINDBOX_ORDER_BLOCK_COL_PRODUCT',
            'RUSTBOX_MINDBOX_ORDER_BLOCK_COL_QUANTITY', 'RUSTBOX_MINDBOX_ORDER_BLOCK_COL_PRICE', 'RUSTBOX_MINDBOX_ORDER_BLOCK_COL_STATUS'];
        $html = '<table class="adm-list-table"><tr class="adm-list-table-header">';
        foreach ($header as $code) {
            $html .= '<td class="adm-list-table-cell">' . self::e(Loc::getMessage($code)) . '</td>';
        }
        $html .= '</tr>';
        foreach ($rows as $row) {
            $ids = $row['product']['ids'] ?? [];
            $cells = [$row['number'], $now[$row['lineId']]['name'] ?? '#' . $row['lineId'],
                implode(', ', array_map(static fn ($type, $id) => $type . ': ' . $id, array_keys($ids), $ids)),
                (float)$row['quantity'], self::money($row['basePrice']), $row['status'] !== '' ? $row['status'] : '—'];
            $html .= '<tr class="adm-list-table-row">';
            foreach ($cells as $cell) {
                $html .= '<td class="adm-list-table-cell">' . self::e($cell) . '</td>';
            }
            $html .= '</tr>';
        }
        return $html . '</table>';
    }

    /** The points spent on the order, and on which lines. */
    private static function points(array $data): string
    {
        if ($data['points'] === 0) {
            return self::e(Loc::getMessage('RUSTBOX_MINDBOX_ORDER_BLOCK_NO_POINTS'));
        }
        $lines = [];
        foreach ($data['lines'] as $line) {
            if ($line['points'] > 0) {
                $lines[] = $line['name'] . ': ' . self::money(Kopecks::toMoney($line['points']));
            }
        }
        return self::e(self::money(Kopecks::toMoney($data['points'])) . ' (' . implode('; ', $lines) . ')');
    }

    private static function row(?string $label, string $html): string
    {
        return '<tr><td class="adm-detail-content-cell-l" width="35%">' . self::e($label) . '</td><td class="adm-detail-content-cell-r">' . $html . '</td></tr>';
    }

    private static function money(mixed $amount): string
    {
        return number_format((float)$amount, 2, '.', ' ');
    }

    private static function e(mixed $value): string
    {
        return htmlspecialcharsbx((string)$value);
    }
}
