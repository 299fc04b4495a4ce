<?php

use Bitrix\Main\Context;
use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
use Bitrix\Main\SiteTable;
use Rustbox\Mindbox\Admin\ConnectionCheck;
use Rustbox\Mindbox\Admin\OptionsForm;
use Rustbox\Mindbox\Config\Operation;
use Rustbox\Mindbox\Mindbox;

defined('B_PROLOG_INCLUDED') || die();

/** @var CMain $APPLICATION */
/** @var CUser $USER */
Loc::loadMessages(__FILE__);

if (!$USER->IsAdmin() || !Loader::includeModule('rustbox.mindbox')) {
    return;
}

$request = Context::getCurrent()->getRequest();
$sites = array_column(SiteTable::getList(['select' => ['LID', 'NAME']])->fetchAll(), 'NAME', 'LID');
$siteId = array_key_exists((string)$request->get('site'), $sites) ? (string)$request->get('site') : '';
$form = new OptionsForm($siteId);
$messages = [];

if ($request->isPost() && check_bitrix_sessid()) {
    foreach ($form->save($request->getPostList()->toArray()) as $error) {
        $messages[] = ['TYPE' => 'ERROR', 'MESSAGE' => $error];
    }
    if ($request->getPost('check_connection') !== null) {
        $check = ConnectionCheck::run($siteId);
        $messages[] = ['TYPE' => $check['ok'] ? 'OK' : 'ERROR', 'MESSAGE' => $check['message']];
    }
}
if (!Mindbox::isExtensionLoaded()) {
    $messages[] = ['TYPE' => 'ERROR', 'MESSAGE' => Loc::getMessage('RUSTBOX_MINDBOX_OPT_NO_EXTENSION')];
}
foreach ($messages as $message) {
    CAdminMessage::ShowMessage($message + ['HTML' => false]);
}

$e = static fn ($value): string => htmlspecialcharsbx((string)$value);
$values = $form->values();
$fields = OptionsForm::fields();
$groups = ['connection', 'events', 'ids', 'mode', 'feed', 'history'];
$tabs = array_map(static fn (string $group) => [
    'DIV' => 'rustbox_mindbox_' . $group,
    'TAB' => Loc::getMessage('RUSTBOX_MINDBOX_TAB_' . strtoupper($group)),
    'TITLE' => Loc::getMessage('RUSTBOX_MINDBOX_TAB_' . strtoupper($group)),
], $groups);
$tabControl = new CAdminTabControl('rustboxMindboxTabs', $tabs);
$action = $APPLICATION->GetCurPage() . '?mid=rustbox.mindbox&lang=' . LANGUAGE_ID . '&site=' . urlencode($siteId);
?>
<form method="get" action="<?= $e($APPLICATION->GetCurPage()) ?>">
    <input type="hidden" name="mid" value="rustbox.mindbox">
    <input type="hidden" name="lang" value="<?= $e(LANGUAGE_ID) ?>">
    <?= $e(Loc::getMessage('RUSTBOX_MINDBOX_OPT_SCOPE')) ?>
    <select name="site" onchange="this.form.submit()">
        <option value=""><?= $e(Loc::getMessage('RUSTBOX_MINDBOX_OPT_SCOPE_ALL')) ?></option>
        <?php foreach ($sites as $lid => $name): ?>
            <option value="<?= $e($lid) ?>"<?= $lid === $siteId ? ' selected' : '' ?>>[<?= $e($lid) ?>] <?= $e($name) ?></option>
        <?php endforeach; ?>
    </select>
    <?php if ($siteId !== ''): ?><p><?= $e(Loc::getMessage('RUSTBOX_MINDBOX_OPT_SCOPE_SITE_HINT')) ?></p><?php endif; ?>
</form>
<p><?= $e(Loc::getMessage('RUSTBOX_MINDBOX_OPT_AGENTS_NOTE')) ?></p>
<form method="post" action="<?= $e($action) ?>">
    <?= bitrix_sessid_post() ?>
    <datalist id="rustbox_mindbox_api_urls">
        <?php foreach (OptionsForm::API_URLS as $url): ?><option value="<?= $e($url) ?>"><?php endforeach; ?>
    </datalist>
    <?php
    $tabControl->Begin();
    foreach ($groups as $group) {
        $tabControl->BeginNextTab();
        foreach ($fields as $name => $field) {
            if ($field['group'] !== $group) {
                continue;
            }
            $value = $values[$name];
            ?>
            <tr>
                <td width="40%"><label for="rm_<?= $e($name) ?>"><?= $e($field['title']) ?></label></td>
                <td width="60%">
                    <?php if ($field['type'] === 'yesno'): ?>
                        <input type="hidden" name="<?= $e($name) ?>" value="N">
                        <input type="checkbox" id="rm_<?= $e($name) ?>" name="<?= $e($name) ?>" value="Y"<?= $value === 'Y' ? ' checked' : '' ?>>
                    <?php elseif ($field['type'] === 'select'): ?>
                        <select id="rm_<?= $e($name) ?>" name="<?= $e($name) ?>">
                            <?php foreach (OptionsForm::choices($name) as $choice => $label): ?>
                                <option value="<?= $e($choice) ?>"<?= (string)$choice === $value ? ' selected' : '' ?>><?= $e($label) ?></option>
                            <?php endforeach; ?>
                        </select>
                    <?php elseif ($field['type'] === 'events'): ?>
                        <?php $enabled = explode(',', $value); ?>
                        <input type="hidden" name="<?= $e($name) ?>[]" value="">
                        <?php foreach (Operation::cases() as $operation): ?>
                            <label><input type="checkbox" name="<?= $e($name) ?>[]" value="<?= $e($operation->value) ?>"<?= in_array($operation->value, $enabled, true) ? ' checked' : '' ?>>
                                <?= $e(Loc::getMessage('RUSTBOX_MINDBOX_EVENT_' . strtoupper($operation->value))) ?></label><br>
                        <?php endforeach; ?>
                    <?php elseif ($field['type'] === 'json'): ?>
                        <textarea id="rm_<?= $e($name) ?>" name="<?= $e($name) ?>" rows="6" cols="60"><?= $e($value) ?></textarea>
                        <br><small><?= $e(Loc::getMessage('RUSTBOX_MINDBOX_OPT_' . strtoupper($name) . '_HINT')) ?></small>
                    <?php elseif ($field['type'] === 'secret' || $field['type'] === 'password'): ?>
                        <input type="password" id="rm_<?= $e($name) ?>" name="<?= $e($name) ?>" value="" size="50" autocomplete="new-password"
                               placeholder="<?= $e(Loc::getMessage('RUSTBOX_MINDBOX_OPT_' . strtoupper($field['type']) . '_KEEP')) ?>">
                    <?php else: ?>
                        <input type="text" id="rm_<?= $e($name) ?>" name="<?= $e($name) ?>" value="<?= $e($value) ?>" size="50"
                            <?= $field['type'] === 'url' ? 'list="rustbox_mindbox_api_urls"' : '' ?>>
                    <?php endif; ?>
                </td>
            </tr>
            <?php
        }
    }
    $tabControl->Buttons();
    ?>
    <input type="submit" name="save" value="<?= $e(Loc::getMessage('RUSTBOX_MINDBOX_OPT_SAVE')) ?>" class="adm-btn-save">
    <input type="submit" name="check_connection" value="<?= $e(Loc::getMessage('RUSTBOX_MINDBOX_OPT_CHECK')) ?>">
    <?php $tabControl->End(); ?>
</form>
