// The visits CheckoutPageTest drives. --dump-dom cannot type, so with ?scenario=NAME the page plays the buyer itself;
// #report gets its notes as JSON.
// - points: types points into the field and leaves it (change), waits for the component's answer, then has the blocks
//   rebuilt twice more without a request: from the result, and by re-parsing the column's own markup (which copies
//   the field). After each step it notes where the field is and what it shows.
// - coupon: types a code into the component's coupon field, waits for two answers (or gives up), then stays a while
//   longer so that any further request would be seen, and notes the answers, the result's coupon list and the field;
//   then removes the code the same way and notes the coupon list after that.
(function () {
    var match = /[?&]scenario=([^&]+)/.exec(location.search);
    if (!match) {
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

    function finish(report) {
        report.steps = steps;
        document.getElementById('report').textContent = JSON.stringify(report);
        document.body.setAttribute('data-scenario', 'done');
    }

    function afterAnswers(count, then, tries) {
        if (answers.length >= count || tries > 200) {
            setTimeout(then, 50);
        } else {
            setTimeout(function () { afterAnswers(count, then, tries + 1); }, 10);
        }
    }

    function points() {
        var input = document.getElementById('rustbox-mindbox-points-input');
        look('loaded');
        if (!input) {
            finish({answers: []});
            return;
        }
        input.value = '750';
        input.dispatchEvent(new Event('change', {bubbles: true}));
        afterAnswers(1, function () {
            look('refreshed');
            soa.editOrder();
            setTimeout(function () {
                var column = document.querySelector('#bx-soa-order .bx-soa');
                look('rebuilt');
                column.innerHTML = column.innerHTML;
                setTimeout(function () {
                    look('copied');
                    finish({answers: answers.map(function (answer) {
                        return answer && answer.order ? answer.order.RUSTBOX_MINDBOX : null;
                    })});
                }, 50);
            }, 50);
        }, 0);
    }

    function coupon() {
        var input = document.querySelector('#bx-soa-basket .bx-soa-coupon-input input');
        look('loaded');
        input.value = 'MINDBOX10';
        input.dispatchEvent(new Event('change', {bubbles: true}));
        afterAnswers(2, function () {
            setTimeout(function () {
                look('checked');
                var applied = soa.result.COUPON_LIST || [];
                soa.sendRequest('removeCoupon', 'MINDBOX10');
                afterAnswers(4, function () {
                    setTimeout(function () {
                        finish({answers: answers, coupons: applied, afterRemoval: soa.result.COUPON_LIST || []});
                    }, 300);
                }, 0);
            }, 300);
        }, 0);
    }

    BX.addCustomEvent('onAjaxSuccess', function (result) {
        answers.push(result);
    });

    BX.ready(function () {
        setTimeout({points: points, coupon: coupon}[match[1]] || function () { finish({answers: []}); }, 50);
    });
})();
