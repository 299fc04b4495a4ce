<?php

namespace Rustbox\Mindbox\Loyalty;

use Bitrix\Main\Localization\Loc;
use Rustbox\Mindbox\Support\PageScript;

Loc::loadMessages(__FILE__);

/**
 * The "use points" field on the page of the standard checkout, added without touching its template: a script puts
 * an input into the checkout form, so that the form's AJAX posts it with the order, asks the component to
 * recalculate when it changes, and after every recalculation shows what the server made of it (the block
 * JS_DATA[JS_DATA_KEY] of the component's answer: balance, points spent, message). The same script has a promo code
 * typed into the component's coupon field checked by Mindbox (guests' too, whose result has no block, so no box).
 */
final class CheckoutField
{
    public const JS_DATA_KEY = 'RUSTBOX_MINDBOX';

    /** The form of sale.order.ajax's templates. */
    private const FORM_ID = 'bx-soa-order-form';

    /** The "place order" block of the .default template: inside the form, but deeper than its direct children. */
    private const SAVE_ID = 'bx-soa-orderSave';

    /*
     * Why the script is shaped so:
     * - The component's form AJAX posts every control of the form (BX.ajax.prepareForm walks form.elements) as
     *   order[NAME], so the box only has to be somewhere inside the form; it goes just before the place-order block,
     *   wherever a template nests that block, and at the end of the form when there is none.
     * - Templates re-render their blocks by rebuilding markup: a rebuild can drop the box or copy it. The box is one
     *   node kept here, put back (not rebuilt, so what was typed stays) and any copy removed, after every change of
     *   the form's tree and after every AJAX answer (BX fires onAjaxSuccess once the component has its new result).
     * - The component ignores a request while one is running, so a change made meanwhile is sent after it.
     * - A code Bitrix does not know makes the component's enterCoupon answer with the bare code and no
     *   recalculation, which the template lists as "not found"; only a recalculation asks Mindbox. So such an answer
     *   (told by the action BX.ajax posted, its urlencoded config.data) is followed by one refresh, whose own answer
     *   is a recalculation and asks for nothing more. A known code's answer already is one. Removing such a code
     *   is answered the same way (removeCoupon recalculates only for a coupon Bitrix applied), and Mindbox's
     *   discount would stay in the totals shown: it is followed by a refresh too.
     * - Text comes from the component's result through textContent only.
     */
    private const SCRIPT = <<<'JS'
        BX.ready(function () {
            var soa = BX.Sale && BX.Sale.OrderAjaxComponent, boxId = "rustbox-mindbox-points", pending = false;
            if (!soa || !document.getElementById(c.form) || document.getElementById(boxId)) { return; }
            var box = document.createElement("div"), label = document.createElement("label"),
                input = document.createElement("input"), note = document.createElement("div");
            box.id = boxId; box.className = boxId + " form-group";
            input.type = "text"; input.name = c.field; input.id = boxId + "-input"; input.className = "form-control";
            input.inputMode = "decimal"; input.autocomplete = "off";
            label.htmlFor = input.id; label.className = "bx-soa-custom-label"; label.textContent = c.label;
            note.className = boxId + "-note";
            box.appendChild(label); box.appendChild(input); box.appendChild(note);
            function place() {
                var form = document.getElementById(c.form), save = document.getElementById(c.save),
                    copies = document.querySelectorAll("." + boxId), i;
                for (i = 0; i < copies.length; i++) {
                    if (copies[i] !== box && copies[i].parentNode) { copies[i].parentNode.removeChild(copies[i]); }
                }
                if (!form) { return; }
                if (save && form.contains(save)) {
                    if (box.nextSibling !== save) { save.parentNode.insertBefore(box, save); }
                } else if (!form.contains(box)) {
                    form.appendChild(box);
                }
            }
            function show() {
                place();
                var d = (soa.result || {})[c.key];
                box.style.display = d ? "" : "none";
                if (!d) { return; }
                if (document.activeElement !== input && d.REQUESTED !== undefined && d.REQUESTED !== null) {
                    input.value = d.REQUESTED;
                }
                note.textContent = d.MESSAGE || (d.AVAILABLE ? c.balance.replace("#BALANCE#", d.BALANCE_FORMATTED) : "");
            }
            function refresh() {
                if (soa.BXFormPosting) { pending = true; return; }
                soa.sendRequest("refreshOrderAjax");
            }
            function decode(text) {
                try { return decodeURIComponent(text.replace(/\+/g, " ")); } catch (e) { return text; }
            }
            function uncheckedCode(answer, request) {
                var name = (soa.params && soa.params.ACTION_VARIABLE) || "soa-action", pairs, pair, i;
                if ((answer && answer.order) || !request || request.url !== soa.ajaxUrl
                    || typeof request.data !== "string") { return false; }
                pairs = request.data.split("&");
                for (i = 0; i < pairs.length; i++) {
                    pair = pairs[i].split("=");
                    if (decode(pair[0]) === name) { return /^(enter|remove)Coupon$/.test(decode(pair[1] || "")); }
                }
                return false;
            }
            BX.bind(input, "change", refresh);
            BX.addCustomEvent("onAjaxSuccess", function (answer, request) {
                var again = uncheckedCode(answer, request);
                setTimeout(function () {
                    show();
                    if (pending || again) { pending = false; refresh(); }
                }, 0);
            });
            if (window.MutationObserver) {
                new MutationObserver(place).observe(document.getElementById(c.form), {childList: true, subtree: true});
            }
            place();
            setTimeout(show, 0);
        });
        JS;

    public static function script(): string
    {
        $config = PageScript::json([
            'key' => self::JS_DATA_KEY,
            'field' => Checkout::FIELD,
            'form' => self::FORM_ID,
            'save' => self::SAVE_ID,
            'label' => (string)Loc::getMessage('RUSTBOX_MINDBOX_FIELD_LABEL'),
            'balance' => (string)Loc::getMessage('RUSTBOX_MINDBOX_FIELD_BALANCE'),
        ]);
        return '<script>(function (c) {' . self::SCRIPT . '})(' . $config . ');</script>';
    }
}
