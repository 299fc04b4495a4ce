<?php

use Bitrix\Main\Localization\Loc;

defined('B_PROLOG_INCLUDED') || die();

/** @var array $arResult */
?>
<div class="rustbox-mindbox-balance">
    <?php if ($arResult['AVAILABLE']): ?>
        <?= htmlspecialcharsbx(Loc::getMessage('RUSTBOX_MINDBOX_BALANCE_AMOUNT', ['#BALANCE#' => $arResult['BALANCE_FORMATTED']])) ?>
    <?php else: ?>
        <?= htmlspecialcharsbx(Loc::getMessage('RUSTBOX_MINDBOX_BALANCE_UNAVAILABLE')) ?>
    <?php endif; ?>
</div>
