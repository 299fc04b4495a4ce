<?php
$MESS['RUSTBOX_MINDBOX_POINTS_NEGATIVE'] = 'The number of points cannot be negative. No points were used.';
$MESS['RUSTBOX_MINDBOX_POINTS_NOT_A_NUMBER'] = 'Enter the number of points in digits, for example 150. No points were used.';
$MESS['RUSTBOX_MINDBOX_POINTS_TOO_MANY_DECIMALS'] = 'Points can have at most #DECIMALS# decimal places. No points were used.';
$MESS['RUSTBOX_MINDBOX_POINTS_WHOLE_ONLY'] = 'Points can only be spent in whole numbers. No points were used.';
$MESS['RUSTBOX_MINDBOX_POINTS_UNAVAILABLE'] = 'Points are unavailable right now: the loyalty programme does not answer. You can place the order without them.';
$MESS['RUSTBOX_MINDBOX_POINTS_CLAMPED_BALANCE'] = 'You have #BALANCE# points, so #SPENT# were used.';
$MESS['RUSTBOX_MINDBOX_POINTS_CLAMPED_ORDER'] = 'At most #MAX# points can be spent on this order, so #SPENT# were used.';
$MESS['RUSTBOX_MINDBOX_POINTS_CLAMPED_LINES'] = 'The prices of this order\'s items can take #SPENT# points to the kopeck, so #SPENT# were used.';
$MESS['RUSTBOX_MINDBOX_POINTS_GONE'] = 'The points available to you have just changed (another order of yours spent them). Please look at the order again and place it once more.';
$MESS['RUSTBOX_MINDBOX_POINTS_NOT_CONFIRMED'] = 'The loyalty programme did not confirm the discounts of this order, so it is priced without them.';
