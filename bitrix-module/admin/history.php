<?php

use Bitrix\Main\Context;
use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
use Rustbox\Mindbox\Admin\HistoryPage;
use Rustbox\Mindbox\Admin\HistoryView;
use Rustbox\Mindbox\Mindbox;

require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_before.php';

/** @var CMain $APPLICATION */
/** @var CUser $USER */
Loc::loadMessages(__FILE__);

if (!$USER->IsAdmin()) {
    $APPLICATION->AuthForm(Loc::getMessage('ACCESS_DENIED'));
}
Loader::includeModule('rustbox.mindbox');

$request = Context::getCurrent()->getRequest();
if ($request->getPost('action') !== null) {
    // The page's script: one step of a run per request.
    @set_time_limit(0);
    $answer = HistoryPage::action($request);
    $APPLICATION->RestartBuffer();
    http_response_code($answer['status']);
    header('Content-Type: application/json; charset=utf-8');
    echo json_encode($answer['body'], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE);
    die();
}

$APPLICATION->SetTitle(Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_TITLE'));
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_after.php';

if (!Mindbox::isExtensionLoaded()) {
    CAdminMessage::ShowMessage(Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_NO_EXTENSION'));
}
$e = static fn ($value): string => htmlspecialcharsbx((string)$value);
$row = static function (string $label, string $html): void {
    echo '<tr><td class="adm-detail-content-cell-l" width="35%">', htmlspecialcharsbx($label), '</td>',
        '<td class="adm-detail-content-cell-r">', $html, '</td></tr>';
};
$button = static function (string $action, string $label, bool $enabled, string $site) use ($e): string {
    return '<input type="button" class="rustbox-history-action" data-site="' . $e($site) . '" data-action="' . $e($action) . '" value="'
        . $e($label) . '"' . ($enabled ? '' : ' disabled') . '> ';
};
$columns = [Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_COLUMN_FILE'), Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_COLUMN_TRANSACTION'),
    Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_COLUMN_ROWS'), Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_COLUMN_BYTES'),
    Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_COLUMN_STATE'), Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_COLUMN_ANSWER')];
?>
<p><?= $e(Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_INTRO')) ?></p>
<?php
foreach (HistoryPage::overview() as $block) {
    $site = $block['siteId'];
    $failed = in_array($block['state']['code'], ['failed', 'stopped'], true);
    ?>
    <h2><?= $e(Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_SITE', ['#SITE#' => $site, '#NAME#' => $block['name']])) ?></h2>
    <table class="adm-detail-content-table edit-table">
        <?php
        $row(Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_STATE'), $failed ? '<span class="required">' . $e($block['state']['text']) . '</span>' : $e($block['state']['text']));
        if ($block['counts'] !== []) {
            $row(Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_COUNTS'), implode('<br>', array_map($e, $block['counts'])));
        }
        $row(Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_WATERMARK_CUSTOMERS'), $e($block['watermark']['customers']['text']));
        $row(Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_WATERMARK_ORDERS'), $e($block['watermark']['orders']['text']));
        $row(Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_DIRECTORY'), $block['directoryError'] !== null
            ? '<span class="required">' . $e($block['directoryError']) . '</span>' : $e($block['directory']));
        $row(Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_PROGRESS'), '<span class="rustbox-history-progress" data-site="' . $e($site) . '"></span>');
        ?>
    </table>
    <?php if ($block['parts']['parts'] !== []) { ?>
        <table class="adm-list-table">
            <tr class="adm-list-table-header">
                <?php foreach ($columns as $column) { ?>
                    <td class="adm-list-table-cell"><div class="adm-list-table-cell-inner"><?= $e($column) ?></div></td>
                <?php } ?>
            </tr>
            <?php foreach ($block['parts']['parts'] as $part) { ?>
                <tr class="adm-list-table-row">
                    <td class="adm-list-table-cell"><?= $e($part['file']) ?></td>
                    <td class="adm-list-table-cell"><code><?= $e($part['transactionId']) ?></code></td>
                    <td class="adm-list-table-cell"><?= $e(HistoryView::number($part['rows'])) ?></td>
                    <td class="adm-list-table-cell"><?= $e(HistoryView::number($part['bytes'])) ?></td>
                    <td class="adm-list-table-cell"><?= $part['state'] === 'refused' ? '<span class="required">' . $e($part['text']) . '</span>' : $e($part['text']) ?></td>
                    <td class="adm-list-table-cell"><code><?= $e($part['answer']) ?></code></td>
                </tr>
            <?php } ?>
        </table>
        <?php if ($block['parts']['hidden'] > 0) { ?>
            <p><?= $e(Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_PARTS_HIDDEN', ['#COUNT#' => HistoryView::number($block['parts']['hidden'])])) ?></p>
        <?php } ?>
    <?php } ?>
    <p>
        <label><?= $e(Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_SCOPE')) ?>
            <select class="rustbox-history-scope" data-site="<?= $e($site) ?>">
                <option value="both"><?= $e(Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_SCOPE_BOTH')) ?></option>
                <option value="customers"><?= $e(Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_SCOPE_CUSTOMERS')) ?></option>
                <option value="orders"><?= $e(Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_SCOPE_ORDERS')) ?></option>
            </select></label>
        <label><?= $e(Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_SINCE')) ?>
            <input type="date" class="rustbox-history-since" data-site="<?= $e($site) ?>"></label>
        <label><input type="checkbox" class="rustbox-history-dry-run" data-site="<?= $e($site) ?>">
            <?= $e(Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_DRY_RUN')) ?></label>
    </p>
    <p>
        <?= $button('start', Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_START'), $block['actions']['start'], $site) ?>
        <?= $button('step', Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_STEP'), $block['actions']['step'], $site) ?>
        <?= $button('pause', Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_PAUSE'), $block['actions']['pause'], $site) ?>
        <?= $button('resume', Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_RESUME'), $block['actions']['resume'], $site) ?>
        <?= $button('cancel', Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_CANCEL'), $block['actions']['cancel'], $site) ?>
        <?= $button('removeFiles', Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_REMOVE_FILES'), $block['actions']['removeFiles'], $site) ?>
    </p>
    <?php
}
$texts = ['busy' => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_BUSY'), 'confirmCancel' => Loc::getMessage('RUSTBOX_MINDBOX_HISTORY_CONFIRM_CANCEL')];
?>
<script>
(function () {
    var texts = <?= json_encode($texts, JSON_UNESCAPED_UNICODE | JSON_HEX_TAG) ?>;
    var sessid = <?= json_encode(bitrix_sessid(), JSON_HEX_TAG) ?>;
    function field(kind, site) {
        return document.querySelector('.rustbox-history-' + kind + '[data-site="' + site + '"]');
    }
    function post(site, action) {
        var body = new FormData();
        body.append('sessid', sessid);
        body.append('site', site);
        body.append('action', action);
        if (action === 'start') {
            body.append('scope', field('scope', site).value);
            body.append('since', field('since', site).value);
            body.append('dryRun', field('dry-run', site).checked ? 'Y' : 'N');
        }
        return fetch(window.location.pathname + window.location.search, {method: 'POST', body: body, credentials: 'same-origin'})
            .then(function (response) {
                return response.json().then(function (json) { return {status: response.status, json: json}; });
            });
    }
    function show(site, text, error) {
        var progress = field('progress', site);
        progress.textContent = text;
        progress.className = 'rustbox-history-progress' + (error ? ' required' : '');
    }
    // Start and "carry on here" step the run while the page is open and it is running; anything else, and the end
    // of the stepping (finished, paused, waiting for Mindbox, failed), shows the page again with the run's state.
    // Pause or cancel asked for during a step is sent once the step is back (the step holds the run's lock).
    var stepping = {}, next = {};
    function act(site, action) {
        stepping[site] = true;
        post(site, action).then(function (answer) {
            stepping[site] = false;
            if (next[site]) {
                action = next[site];
                next[site] = null;
                act(site, action);
            } else if (answer.status === 409 && action === 'step') {
                show(site, texts.busy);
                window.setTimeout(function () { act(site, 'step'); }, 2000);
            } else if (answer.status !== 200) {
                show(site, answer.json.error || String(answer.status), true);
            } else if ((action === 'start' || action === 'step') && answer.json.running && answer.json.state === 'running') {
                show(site, answer.json.stateText);
                act(site, 'step');
            } else {
                window.location.reload();
            }
        }, function (error) { stepping[site] = false; show(site, String(error), true); });
    }
    document.querySelectorAll('.rustbox-history-action').forEach(function (button) {
        button.addEventListener('click', function () {
            var site = button.dataset.site;
            if (button.dataset.action === 'cancel' && !window.confirm(texts.confirmCancel)) {
                return;
            }
            if (stepping[site]) {
                next[site] = button.dataset.action;
                button.disabled = true;
                return;
            }
            document.querySelectorAll('.rustbox-history-action[data-site="' + site + '"]').forEach(function (other) {
                other.disabled = other.dataset.action !== 'pause' && other.dataset.action !== 'cancel';
            });
            act(site, button.dataset.action);
        });
    });
})();
</script>
<?php
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/epilog_admin.php';
