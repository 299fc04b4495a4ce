<?php

namespace Rustbox\Mindbox\Loyalty;

use Bitrix\Main\Localization\Loc;

Loc::loadMessages(__FILE__);

/**
 * The "use points" field on the page of the standard checkout, added without touching its template: a script puts
 * an input into the checkout form, so that the form's AJAX posts it with the order, asks the component to
 * recalculate when it changes, and after every recalculation shows what the server made of it (the block
 * JS_DATA[JS_DATA_KEY] of the component's answer: balance, points spent, message).
 */
final class CheckoutField
{
    public const JS_DATA_KEY = 'RUSTBOX_MINDBOX';

    /** The form of sale.order.ajax's templates. */
    private const FORM_ID = 'bx-soa-order-form';

    private const JSON = JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_UNESCAPED_UNICODE
        | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR;

    public static function script(): string
    {
        $config = json_encode([
            'key' => self::JS_DATA_KEY,
            'field' => Checkout::FIELD,
            'form' => self::FORM_ID,
            'label' => (string)Loc::getMessage('RUSTBOX_MINDBOX_FIELD_LABEL'),
            'balance' => (string)Loc::getMessage('RUSTBOX_MINDBOX_FIELD_BALANCE'),
        ], self::JSON);
        // The order form is re-rendered block by block on each recalculation, so the field sits in a box of its own
        // before the "place order" button, and its text is refreshed from the component's result, never from input.
        // show() waits a tick: the component's own ready handler may set its result after this one runs.
        return '<script>BX.ready(function () {'
            . 'var c = ' . $config . ', form = document.getElementById(c.form), soa = BX.Sale && BX.Sale.OrderAjaxComponent;'
            . 'if (!form || !soa || document.getElementById("rustbox-mindbox-points")) { return; }'
            . 'var box = document.createElement("div"), label = document.createElement("label"),'
            . ' input = document.createElement("input"), note = document.createElement("div");'
            . 'box.id = "rustbox-mindbox-points"; box.className = "rustbox-mindbox-points";'
            . 'input.type = "text"; input.name = c.field; input.id = "rustbox-mindbox-points-input"; input.inputMode = "decimal";'
            . 'input.autocomplete = "off"; label.htmlFor = input.id; label.textContent = c.label;'
            . 'box.appendChild(label); box.appendChild(input); box.appendChild(note);'
            . 'var save = document.getElementById("bx-soa-orderSave");'
            . 'form.insertBefore(box, save && save.parentNode === form ? save : null);'
            . 'function show() { var d = (soa.result || {})[c.key]; box.style.display = d ? "" : "none"; if (!d) { return; }'
            . ' if (document.activeElement !== input) { input.value = d.REQUESTED; }'
            . ' note.textContent = d.MESSAGE || (d.AVAILABLE ? c.balance.replace("#BALANCE#", d.BALANCE_FORMATTED) : ""); }'
            . 'BX.bind(input, "change", function () { soa.sendRequest(); });'
            . 'BX.addCustomEvent("onAjaxSuccess", function () { setTimeout(show, 0); });'
            . 'setTimeout(show, 0);'
            . '});</script>';
    }
}
