// A stand-in for the few parts of Bitrix's core JS (window.BX) that the checkout page and the module's script use,
// with the core's semantics where they matter: a custom event fired on an object (BX.ajax fires onAjaxSuccess on its
// XMLHttpRequest) also reaches the handlers added without an object.
(function () {
    var handlers = [], waiting = [], ready = false;

    function BX(node) {
        return typeof node === 'string' ? document.getElementById(node) : node;
    }

    BX.ready = function (handler) {
        if (ready) {
            handler();
        } else {
            waiting.push(handler);
        }
    };
    document.addEventListener('DOMContentLoaded', function () {
        ready = true;
        waiting.splice(0).forEach(function (handler) { handler(); });
    });

    BX.bind = function (node, type, handler) {
        node.addEventListener(type, handler);
    };

    BX.addCustomEvent = function (target, name, handler) {
        if (typeof target === 'string') {
            handler = name;
            name = target;
            target = window;
        }
        handlers.push({target: target, name: name.toLowerCase(), handler: handler});
    };

    BX.onCustomEvent = function (target, name, params) {
        if (typeof target === 'string') {
            params = name;
            name = target;
            target = window;
        }
        handlers.slice().forEach(function (h) {
            if (h.name === name.toLowerCase() && (h.target === window || h.target === target)) {
                h.handler.apply(target, params || []);
            }
        });
    };

    BX.Sale = {};
    window.BX = BX;
})();
