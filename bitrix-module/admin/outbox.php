<?php

use Bitrix\Main\Context;
use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
use Rustbox\Mindbox\Admin\OutboxPage;
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
$notice = null;
if ($request->isPost() && check_bitrix_sessid() && Mindbox::isExtensionLoaded()) {
    $ids = $request->getPost('retry_all') !== null ? null : (array)$request->getPost('ids');
    $moved = OutboxPage::retry((string)$request->getPost('site'), $ids);
    $notice = Loc::getMessage('RUSTBOX_MINDBOX_OUTBOX_RETRIED', ['#COUNT#' => $moved]);
}

$APPLICATION->SetTitle(Loc::getMessage('RUSTBOX_MINDBOX_OUTBOX_TITLE'));
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_after.php';

if (!Mindbox::isExtensionLoaded()) {
    CAdminMessage::ShowMessage(Loc::getMessage('RUSTBOX_MINDBOX_OUTBOX_NO_EXTENSION'));
    require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/epilog_admin.php';
    return;
}
if ($notice !== null) {
    CAdminMessage::ShowNote($notice);
}

$e = static fn ($value): string => htmlspecialcharsbx((string)$value);
try {
    $blocks = OutboxPage::overview((array)$request->get('after'));
} catch (Throwable $error) {
    $blocks = [];
    CAdminMessage::ShowMessage($error->getMessage());
}
foreach ($blocks as $block) {
    $stats = $block['stats'];
    ?>
    <h2><?= $e(Loc::getMessage('RUSTBOX_MINDBOX_OUTBOX_SITE', ['#SITE#' => $block['siteId'] !== '' ? $block['siteId'] : Loc::getMessage('RUSTBOX_MINDBOX_OUTBOX_ALL_SITES')])) ?></h2>
    <table class="adm-list-table">
        <tr class="adm-list-table-header">
            <td class="adm-list-table-cell"><?= $e(Loc::getMessage('RUSTBOX_MINDBOX_OUTBOX_PENDING')) ?></td>
            <td class="adm-list-table-cell"><?= $e(Loc::getMessage('RUSTBOX_MINDBOX_OUTBOX_FAILED')) ?></td>
            <td class="adm-list-table-cell"><?= $e(Loc::getMessage('RUSTBOX_MINDBOX_OUTBOX_OLDEST')) ?></td>
            <td class="adm-list-table-cell"><?= $e(Loc::getMessage('RUSTBOX_MINDBOX_OUTBOX_LAST_ERROR')) ?></td>
        </tr>
        <tr class="adm-list-table-row">
            <td class="adm-list-table-cell"><?= $e($stats['pending'] ?? 0) ?></td>
            <td class="adm-list-table-cell"><?= $e($stats['failed'] ?? 0) ?></td>
            <td class="adm-list-table-cell"><?= $e(round((float)($stats['oldestPendingAge'] ?? 0))) ?></td>
            <td class="adm-list-table-cell"><?= $e($stats['lastError'] ?? '') ?></td>
        </tr>
    </table>
    <form method="post">
        <?= bitrix_sessid_post() ?>
        <input type="hidden" name="site" value="<?= $e($block['siteId']) ?>">
        <table class="adm-list-table">
            <tr class="adm-list-table-header">
                <td class="adm-list-table-cell"></td>
                <?php foreach (['ID', 'OPERATION', 'TRANSACTION', 'ATTEMPTS', 'HTTP', 'STATUS', 'ERROR_ID', 'MESSAGE'] as $column): ?>
                    <td class="adm-list-table-cell"><?= $e(Loc::getMessage('RUSTBOX_MINDBOX_OUTBOX_COL_' . $column)) ?></td>
                <?php endforeach; ?>
            </tr>
            <?php foreach ($block['failed'] as $item): ?>
                <tr class="adm-list-table-row">
                    <td class="adm-list-table-cell"><input type="checkbox" name="ids[]" value="<?= $e($item['id']) ?>"></td>
                    <?php foreach (['id', 'operation', 'transactionId', 'attempts', 'httpStatus', 'status', 'errorId', 'message'] as $key): ?>
                        <td class="adm-list-table-cell"><?= $e($item[$key] ?? '') ?></td>
                    <?php endforeach; ?>
                </tr>
            <?php endforeach; ?>
        </table>
        <?php if ($block['after'] > 0): ?>
            <a href="?lang=<?= $e(LANGUAGE_ID) ?>"><?= $e(Loc::getMessage('RUSTBOX_MINDBOX_OUTBOX_FIRST_PAGE')) ?></a>
        <?php endif; ?>
        <?php if ($block['nextAfter'] !== null): ?>
            <a href="?<?= $e(http_build_query(['lang' => LANGUAGE_ID, 'after' => [$block['siteId'] => $block['nextAfter']]])) ?>"><?= $e(Loc::getMessage('RUSTBOX_MINDBOX_OUTBOX_NEXT_PAGE')) ?></a>
        <?php endif; ?>
        <br>
        <input type="submit" name="retry_selected" value="<?= $e(Loc::getMessage('RUSTBOX_MINDBOX_OUTBOX_RETRY_SELECTED')) ?>">
        <input type="submit" name="retry_all" value="<?= $e(Loc::getMessage('RUSTBOX_MINDBOX_OUTBOX_RETRY_ALL')) ?>" class="adm-btn-save">
    </form>
    <?php
}

require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/epilog_admin.php';
