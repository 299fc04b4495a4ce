<?php
$MESS['RUSTBOX_MINDBOX_CART_RULE_NAME'] = 'Mindbox: списание баллов при оформлении заказа (модуль rustbox.mindbox)';
