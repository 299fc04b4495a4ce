// The visit CheckoutPageTest drives. --dump-dom cannot type, so with ?scenario=1 the page plays the buyer itself:
// it types points into the field and leaves it (change), waits for the component's answer, then has the blocks
// rebuilt twice more without a request: from the result, and by re-parsing the column's own markup (which copies
// the field). After each step it notes where the field is and what it shows; #report gets the notes as JSON.
(function () {
    if (!/[?&]scenario=1(&|$)/.test(location.search)) {
        return;
    }
    var steps = [], answers = [], soa = BX.Sale.OrderAjaxComponent;

    function look(step) {
        var boxes = document.querySelectorAll('.rustbox-mindbox-points'), box = boxes[0] || null,
            form = document.getElementById('bx-soa-order-form'), save = document.getElementById('bx-soa-orderSave'),
            input = box && box.querySelector('input'), note = box && box.querySelector('.rustbox-mindbox-points-note'),
            label = box && box.querySelector('label');
        steps.push({
            step: step,
            count: boxes.length,
            inForm: !!box && form.contains(box),
            beforeSave: !!box && !!save && box.nextElementSibling === save,
            visible: !!box && box.offsetParent !== null,
            name: input ? input.name : null,
            value: input ? input.value : null,
            label: label ? label.textContent : null,
            note: note ? note.textContent : null
        });
    }

    function finish() {
        document.getElementById('report').textContent = JSON.stringify({steps: steps, answers: answers});
        document.body.setAttribute('data-scenario', 'done');
    }

    function afterAnswer(then, tries) {
        if (answers.length > 0 || tries > 200) {
            setTimeout(then, 50);
        } else {
            setTimeout(function () { afterAnswer(then, tries + 1); }, 10);
        }
    }

    BX.addCustomEvent('onAjaxSuccess', function (result) {
        answers.push(result && result.order ? result.order.RUSTBOX_MINDBOX : null);
    });

    BX.ready(function () {
        setTimeout(function () {
            var input = document.getElementById('rustbox-mindbox-points-input');
            look('loaded');
            if (!input) {
                finish();
                return;
            }
            input.value = '750';
            input.dispatchEvent(new Event('change', {bubbles: true}));
            afterAnswer(function () {
                look('refreshed');
                soa.editOrder();
                setTimeout(function () {
                    var column = document.querySelector('#bx-soa-order .bx-soa');
                    look('rebuilt');
                    column.innerHTML = column.innerHTML;
                    setTimeout(function () {
                        look('copied');
                        finish();
                    }, 50);
                }, 50);
            }, 0);
        }, 50);
    });
})();
