<?php
$MESS['RUSTBOX_MINDBOX_POINTS_NEGATIVE'] = 'Количество баллов не может быть отрицательным. Баллы не списаны.';
$MESS['RUSTBOX_MINDBOX_POINTS_NOT_A_NUMBER'] = 'Введите количество баллов цифрами, например 150. Баллы не списаны.';
$MESS['RUSTBOX_MINDBOX_POINTS_TOO_MANY_DECIMALS'] = 'У баллов может быть не больше #DECIMALS# знаков после запятой. Баллы не списаны.';
$MESS['RUSTBOX_MINDBOX_POINTS_WHOLE_ONLY'] = 'Баллы списываются только целыми. Баллы не списаны.';
$MESS['RUSTBOX_MINDBOX_POINTS_UNAVAILABLE'] = 'Баллы сейчас недоступны: программа лояльности не отвечает. Заказ можно оформить без них.';
$MESS['RUSTBOX_MINDBOX_POINTS_CLAMPED_BALANCE'] = 'У вас #BALANCE# баллов, поэтому списано #SPENT#.';
$MESS['RUSTBOX_MINDBOX_POINTS_CLAMPED_ORDER'] = 'На этот заказ можно списать не больше #MAX# баллов, поэтому списано #SPENT#.';
$MESS['RUSTBOX_MINDBOX_POINTS_CLAMPED_LINES'] = 'Цены товаров этого заказа позволяют списать ровно #SPENT# баллов (с точностью до копейки), поэтому списано #SPENT#.';
$MESS['RUSTBOX_MINDBOX_POINTS_GONE'] = 'Доступные вам баллы только что изменились (их потратил другой ваш заказ). Проверьте заказ и оформите его ещё раз.';
$MESS['RUSTBOX_MINDBOX_POINTS_NOT_CONFIRMED'] = 'Программа лояльности не подтвердила скидки по этому заказу, поэтому он рассчитан без них.';
