<?php

namespace Rustbox\Mindbox\Config;

/** Who runs the loyalty programme, and so how the points spent reach Mindbox (option `loyalty_mode`). */
enum LoyaltyMode: string
{
    /** The shop spends the points; the order's lines carry them as a `balance` discount. */
    case Standard = 'standard';

    /** Mindbox calculates the cart and confirms the order at checkout; the order carries `bonusPoints`. */
    case Processing = 'processing';
}
