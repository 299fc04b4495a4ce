<?php

namespace Rustbox\Mindbox\History;

/** The parts' folder of a site: nothing but the run's parts (and a killed writer's temporary files) is ever in it. */
final class Parts
{
    /**
     * Removes the folder's files but those kept (a dry run's parts, by name).
     *
     * @param list<string> $kept
     */
    public static function remove(string $directory, array $kept = []): void
    {
        foreach (is_dir($directory) ? scandir($directory) : [] as $name) {
            $path = $directory . '/' . $name;
            if (is_file($path) && !in_array($name, $kept, true)) {
                @unlink($path);
            }
        }
    }
}
