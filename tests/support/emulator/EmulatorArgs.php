<?php

declare(strict_types=1);

namespace MindboxTests\Support;

/** The emulator's command line as Emulator::start() takes it. */
final class EmulatorArgs
{
    /**
     * Command-line arguments given as a list (['--latency-ms', '50']) or as a map (['latency-ms' => 50]).
     *
     * @param array<int|string, scalar> $args
     * @return list<string>
     */
    public static function toList(array $args): array
    {
        $list = [];
        foreach ($args as $key => $value) {
            if (!is_string($key)) {
                $list[] = (string) $value;
                continue;
            }
            // A map entry with a boolean value is a flag: present when true.
            if ($value === false) {
                continue;
            }
            $list[] = str_starts_with($key, '--') ? $key : '--' . $key;
            if ($value !== true) {
                $list[] = (string) $value;
            }
        }
        return $list;
    }

    /**
     * The value of option $name in $args, written as '--name value' or '--name=value'.
     *
     * @param list<string> $args
     */
    public static function value(array $args, string $name): ?string
    {
        foreach ($args as $i => $arg) {
            if ($arg === $name && isset($args[$i + 1])) {
                return $args[$i + 1];
            }
            if (str_starts_with($arg, $name . '=')) {
                return substr($arg, strlen($name) + 1);
            }
        }
        return null;
    }
}
