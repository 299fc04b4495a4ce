<?php

use Bitrix\Main\Context;
use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
use Rustbox\Mindbox\Admin\FeedPage;
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
    // The page's script: one step of a run per request, however long the last one (the writing) takes.
    @set_time_limit(0);
    $answer = FeedPage::action($request);
    $APPLICATION->RestartBuffer();
    http_response_code($answer['status']);
    header('Content-Type: application/json; charset=utf-8');
    echo json_encode($answer['body'], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE);
    die();
}

$APPLICATION->SetTitle(Loc::getMessage('RUSTBOX_MINDBOX_FEED_TITLE'));
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_after.php';

if (!Mindbox::isExtensionLoaded()) {
    CAdminMessage::ShowMessage(Loc::getMessage('RUSTBOX_MINDBOX_FEED_NO_EXTENSION'));
}
$e = static fn ($value): string => htmlspecialcharsbx((string)$value);
$number = static fn ($value): string => number_format((float)$value, 0, '.', ' ');
$row = static function (string $label, string $html): void {
    echo '<tr><td class="adm-detail-content-cell-l" width="35%">', htmlspecialcharsbx($label), '</td>',
        '<td class="adm-detail-content-cell-r">', $html, '</td></tr>';
};
$message = static fn (string $code, array $replace = []): string => (string)Loc::getMessage('RUSTBOX_MINDBOX_FEED_' . $code, $replace);

foreach (FeedPage::overview() as $block) {
    $last = $block['status']['lastRun'];
    ?>
    <h2><?= $e($message('SITE', ['#SITE#' => $block['siteId'], '#NAME#' => $block['name']])) ?></h2>
    <table class="adm-detail-content-table edit-table">
        <?php
        $row($message('ENABLED'), $e($message($block['enabled'] ? 'YES' : 'NO_AGENT')));
        if ($block['error'] !== null) {
            $row($message('ADDRESS'), '<span class="required">' . $e($block['error']) . '</span>');
        } else {
            $row($message($block['protected'] ? 'ADDRESS_DIRECT' : 'ADDRESS'), '<input type="text" readonly size="90" value="' . $e($block['url']) . '">');
            $row($message($block['protected'] ? 'ENDPOINT_PROTECTED' : 'ENDPOINT_OPEN'),
                '<input type="text" readonly size="90" value="' . $e($block['endpoint']) . '">');
            foreach ($block['zones'] as $zone => $zoneUrls) {
                $row($message('ZONE_ADDRESS', ['#ZONE#' => $zone]), '<input type="text" readonly size="90" value="'
                    . $e($block['protected'] ? $zoneUrls['endpoint'] : $zoneUrls['url']) . '">');
            }
        }
        if ($last === null) {
            $row($message('LAST_RUN'), $e($message('NEVER')));
        } else {
            $row($message('LAST_RUN'), $e(date('Y-m-d H:i:s', $last['finished'])) . ', ' . $e($message('SECONDS', ['#SECONDS#' => $last['seconds']]))
                . ' — ' . ($last['ok'] ? $e($message('OK')) : '<span class="required">' . $e($message('FAILED')) . '</span>'));
            if ($last['ok']) {
                $row($message('OFFERS'), $e($number($last['offers'])));
                $row($message('BYTES'), $e($number($last['bytes'])));
                $skipped = array_map(static fn ($reason, $count) => ($message('SKIPPED_' . strtoupper($reason)) ?: $reason) . ': ' . $count,
                    array_keys($last['skipped']), $last['skipped']);
                $row($message('SKIPPED'), $e($skipped === [] ? '0' : implode('; ', $skipped)));
                $row($message('DESCRIPTIONS_CUT'), $e($number($last['descriptionsCut'])));
                foreach ($last['regions'] as $zone => $region) {
                    $row($message('ZONE', ['#ZONE#' => $zone]), $e($message('ZONE_RUN', ['#OFFERS#' => $number($region['offers']), '#BYTES#' => $number($region['bytes'])])));
                }
            }
            foreach ($last['errors'] as $error) {
                $row($message('ERROR'), '<span class="required">' . $e($error) . '</span>');
            }
        }
        $row($message('PROGRESS'), '<span class="rustbox-feed-progress" data-site="' . $e($block['siteId']) . '"></span>');
        ?>
    </table>
    <p>
        <input type="button" class="adm-btn-save rustbox-feed-run" data-site="<?= $e($block['siteId']) ?>"
               data-running="<?= $block['status']['running'] ? 'Y' : 'N' ?>" value="<?= $e($message($block['status']['running'] ? 'CONTINUE' : 'REGENERATE')) ?>">
        <input type="button" class="rustbox-feed-cancel" data-site="<?= $e($block['siteId']) ?>" value="<?= $e($message('CANCEL')) ?>"
            <?= $block['status']['running'] ? '' : 'disabled' ?>>
    </p>
    <?php
}
$texts = ['map' => $message('PHASE_MAP'), 'assemble' => $message('PHASE_ASSEMBLE'), 'busy' => $message('BUSY')];
?>
<script>
(function () {
    var texts = <?= json_encode($texts, JSON_UNESCAPED_UNICODE | JSON_HEX_TAG) ?>;
    var sessid = <?= json_encode(bitrix_sessid(), JSON_HEX_TAG) ?>;
    function post(site, action) {
        var body = new FormData();
        body.append('sessid', sessid);
        body.append('site', site);
        body.append('action', action);
        return fetch(window.location.pathname + window.location.search, {method: 'POST', body: body, credentials: 'same-origin'})
            .then(function (response) {
                return response.json().then(function (json) { return {status: response.status, json: json}; });
            });
    }
    function show(site, text) {
        document.querySelector('.rustbox-feed-progress[data-site="' + site + '"]').textContent = text;
    }
    function progress(status) {
        var percent = status.total > 0 ? Math.floor(100 * status.done / status.total) : 0;
        return (texts[status.phase] || status.phase) + ': ' + status.done + ' / ' + status.total + ' (' + percent + '%)';
    }
    var stepping = {}, stopping = {};
    function cancel(site) {
        post(site, 'cancel').then(function () { window.location.reload(); });
    }
    // Steps until the run ends, then shows the page again with its summary; a step another process holds is waited
    // for; a cancel asked for meanwhile is sent once the step in flight is back (the run's lock is held until then).
    function carryOn(site, action) {
        stepping[site] = true;
        post(site, action).then(function (answer) {
            stepping[site] = false;
            if (stopping[site]) {
                cancel(site);
            } else if (answer.status === 409 && action === 'step') {
                show(site, texts.busy);
                window.setTimeout(function () { carryOn(site, 'step'); }, 2000);
            } else if (answer.status !== 200) {
                show(site, answer.json.error || String(answer.status));
            } else if (answer.json.running) {
                show(site, progress(answer.json));
                carryOn(site, 'step');
            } else {
                window.location.reload();
            }
        }, function (error) { stepping[site] = false; show(site, String(error)); });
    }
    document.querySelectorAll('.rustbox-feed-run').forEach(function (button) {
        button.addEventListener('click', function () {
            button.disabled = true;
            document.querySelector('.rustbox-feed-cancel[data-site="' + button.dataset.site + '"]').disabled = false;
            carryOn(button.dataset.site, button.dataset.running === 'Y' ? 'step' : 'start');
        });
    });
    document.querySelectorAll('.rustbox-feed-cancel').forEach(function (button) {
        button.addEventListener('click', function () {
            button.disabled = true;
            stopping[button.dataset.site] = true;
            if (!stepping[button.dataset.site]) {
                cancel(button.dataset.site);
            }
        });
    });
})();
</script>
<?php
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/epilog_admin.php';
