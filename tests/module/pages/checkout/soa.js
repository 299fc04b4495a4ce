// A stand-in for BX.Sale.OrderAjaxComponent (order_ajax.js of sale.order.ajax's .default template), keeping what the
// module's script depends on: `result` is the JS_DATA of the last answer, sendRequest() posts every control of the
// form as order[NAME] (as BX.ajax.prepareForm and getData do) and ignores a call while a request runs, and after an
// answer the blocks are rebuilt from markup before onAjaxSuccess fires on the request with BX.ajax's config (its data
// urlencoded by then). Unlike the .default template, which rebuilds only the sections' contents, this one rebuilds the
// whole main column, place-order block included. A code typed into the coupon field is sent as enterCoupon with the
// code in `coupon`; an answer without `order` (the bare code: Bitrix did not know it) only adds the code to the list,
// where it shows as not found, and the order is left as it was.
(function () {
    function escape(text) {
        return String(text === undefined || text === null ? '' : text)
            .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    }

    // What BX.ajax.prepareForm reads: enabled controls with a type, checked ones only among radios and checkboxes.
    function formPairs(form) {
        var pairs = [], i, el, type;
        for (i = 0; i < form.elements.length; i++) {
            el = form.elements[i];
            type = (el.type || '').toLowerCase();
            if (el.disabled || !el.name || !type) {
                continue;
            }
            if (['text', 'textarea', 'password', 'number', 'hidden', 'select-one'].indexOf(type) >= 0
                || ((type === 'radio' || type === 'checkbox') && el.checked)) {
                pairs.push([el.name.replace(/^([^\[]+)/, 'order[$1]'), el.value]);
            }
        }
        return pairs;
    }

    function coupon(item) {
        var status = String(item.JS_STATUS || 'BAD').toUpperCase(),
            kind = status === 'ENTERED' ? 'used' : (status === 'BAD' ? 'danger' : 'success');
        return '<strong data-coupon="' + escape(item.COUPON) + '" class="bx-soa-coupon-item-' + kind + '">'
            + escape(item.COUPON) + '<span class="bx-soa-tooltip bx-soa-tooltip-coupon tooltip top">'
            + '<span class="tooltip-inner">' + escape(item.JS_CHECK_CODE) + '</span></span></strong>';
    }

    function section(id, content) {
        return '<div id="' + id + '" class="bx-soa-section bx-active"><div class="bx-soa-section-content">'
            + content + '</div></div>';
    }

    BX.Sale.OrderAjaxComponent = {
        init: function (parameters) {
            this.result = parameters.result || {};
            this.params = parameters.params || {};
            this.signedParamsString = parameters.signedParamsString || '';
            this.siteId = parameters.siteID || '';
            this.ajaxUrl = parameters.ajaxUrl || '';
            this.orderBlockNode = BX(parameters.orderBlockId);
            this.totalBlockNode = BX(parameters.totalBlockId);
            this.BXFormPosting = false;
            this.editOrder();
            this.orderBlockNode.removeAttribute('style');
        },

        sendRequest: function (action, actionData) {
            var self = this, xhr = new XMLHttpRequest(), config;
            if (this.BXFormPosting) {
                return;
            }
            this.BXFormPosting = true;
            action = typeof action === 'string' && action !== '' ? action : 'refreshOrderAjax';
            config = {url: this.ajaxUrl, method: 'POST', data: this.getData(action, actionData)};
            xhr.open('POST', this.ajaxUrl);
            xhr.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
            xhr.onload = function () {
                var result = JSON.parse(xhr.responseText);
                if (action === 'enterCoupon' && !(result && result.order)) {
                    self.addCoupon(result);
                } else if (action === 'removeCoupon' && !(result && result.order)) {
                    self.removeCoupon(result);
                } else {
                    self.refreshOrder(result);
                }
                self.BXFormPosting = false;
                BX.onCustomEvent(xhr, 'onAjaxSuccess', [result, config]);
            };
            xhr.onerror = function () {
                self.BXFormPosting = false;
            };
            xhr.send(config.data);
        },

        getData: function (action, actionData) {
            var pairs = formPairs(BX('bx-soa-order-form'));
            pairs.push(['sessid', BX('sessid').value], ['via_ajax', 'Y'], ['SITE_ID', this.siteId],
                ['signedParamsString', this.signedParamsString], [this.params.ACTION_VARIABLE, action]);
            if (action === 'enterCoupon' || action === 'removeCoupon') {
                pairs.push(['coupon', actionData]);
            }
            return pairs.map(function (pair) {
                return encodeURIComponent(pair[0]) + '=' + encodeURIComponent(pair[1]);
            }).join('&');
        },

        addCoupon: function (code) {
            var lists = this.orderBlockNode.querySelectorAll('.bx-soa-coupon .bx-soa-coupon-item'), i, j, listed;
            for (i = 0; i < lists.length; i++) {
                listed = lists[i].querySelectorAll('[data-coupon]');
                for (j = 0; j < listed.length && listed[j].getAttribute('data-coupon') !== String(code); j++) {}
                if (j === listed.length) {
                    lists[i].insertAdjacentHTML('beforeend', coupon({COUPON: code}));
                }
            }
        },

        removeCoupon: function (code) {
            var listed = this.orderBlockNode.querySelectorAll('.bx-soa-coupon [data-coupon]'), i;
            for (i = 0; i < listed.length; i++) {
                if (listed[i].getAttribute('data-coupon') === String(code)) {
                    listed[i].parentNode.removeChild(listed[i]);
                }
            }
        },

        refreshOrder: function (result) {
            this.result = result.order;
            this.editOrder();
        },

        editOrder: function () {
            var self = this, result = this.result, column = this.orderBlockNode.querySelector('.bx-soa'),
                person = (result.PERSON_TYPE || [{ID: 1}])[0],
                props = (result.ORDER_PROP || {}).properties || [],
                total = this.totalBlockNode.querySelector('.bx-soa-cart-total');
            column.innerHTML = '<div id="bx-soa-main-notifications"></div>'
                + section('bx-soa-region', '<input type="hidden" name="PERSON_TYPE" value="' + escape(person.ID) + '">')
                + section('bx-soa-properties', props.map(function (prop) {
                    return '<div class="form-group" data-property-id-row="' + escape(prop.ID) + '">'
                        + '<label class="bx-soa-custom-label">' + escape(prop.NAME) + '</label>'
                        + '<input type="text" class="form-control" name="ORDER_PROP_' + escape(prop.ID)
                        + '" value="' + escape(prop.VALUE) + '"></div>';
                }).join(''))
                + section('bx-soa-basket', '<div class="bx-soa-coupon"><div class="bx-soa-coupon-label"><label>Coupon:'
                    + '</label></div><div class="bx-soa-coupon-block"><div class="bx-soa-coupon-input">'
                    + '<input type="text" class="form-control bx-ios-fix"></div><span class="bx-soa-coupon-item">'
                    + (result.COUPON_LIST || []).map(coupon).join('') + '</span></div></div>')
                + '<div id="bx-soa-orderSave"><div class="checkbox"></div><a href="javascript:void(0)"'
                + ' class="pull-right btn btn-default btn-lg hidden-xs" data-save-button="true">Place order</a></div>'
                + '<div style="display: none;"><div id="bx-soa-basket-hidden" class="bx-soa-section"></div>'
                + '<div id="bx-soa-region-hidden" class="bx-soa-section"></div>'
                + '<div id="bx-soa-properties-hidden" class="bx-soa-section"></div></div>';
            total.textContent = 'Total: ' + ((result.TOTAL || {}).ORDER_TOTAL_PRICE_FORMATED || '');
            BX.bind(column.querySelector('.bx-soa-coupon-input input'), 'change', function (event) {
                var input = event.target;
                if (input.value) {
                    self.sendRequest('enterCoupon', input.value);
                    input.value = '';
                }
            });
        }
    };
})();
