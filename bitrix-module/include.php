<?php
// lib/ is autoloaded by the core (Rustbox\Mindbox -> lib/, lower-case file names); nothing else to set up.
defined('B_PROLOG_INCLUDED') || die();
