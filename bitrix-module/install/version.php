<?php
$arModuleVersion = [
    'VERSION' => '0.2.0',
    'VERSION_DATE' => '2026-12-07 00:00:00',
];
