<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix\Release;

/**
 * The previous release, as a shop running it has it: its module's files and its extension, taken from git (the
 * tagged commit, named here by its hash too: a clone of main alone, as CI makes, has the commit but not the tag)
 * and built here with its own Cargo.lock, in target/release-<tag>/ (the source under source/, the build beside it),
 * kept there so that later runs reuse both.
 */
final class PreviousRelease
{
    public const TAG = 'v0.1.0';
    public const VERSION = '0.1.0';
    public const COMMIT = '0477f8f7dd459d937b1a404383504fe205e34c96';

    private function __construct(public readonly string $module, public readonly string $extension)
    {
    }

    /** Takes the tag's files out of git when they are not there yet, and builds its extension (cargo's no-op when built). */
    public static function get(): self
    {
        $repo = dirname(__DIR__, 3);
        $tagged = self::run(['git', '-C', $repo, 'rev-parse', '--verify', '--quiet', self::TAG . '^{commit}'], 'the tag');
        if ($tagged !== null && trim($tagged) !== self::COMMIT) {
            throw new \RuntimeException('The git tag ' . self::TAG . ' names ' . trim($tagged) . ', not the release '
                . self::COMMIT . ': a moved tag must not change what the upgrade test starts from');
        }
        if (self::run(['git', '-C', $repo, 'cat-file', '-e', self::COMMIT . '^{commit}'], 'the commit') === null) {
            throw new \RuntimeException('The commit of ' . self::TAG . ' (' . self::COMMIT . '), the previous release, '
                . 'is missing from ' . $repo . ': a shallow clone lacks it; clone the whole history (git fetch --unshallow)');
        }
        $commit = self::COMMIT;
        $target = $repo . '/target/release-' . self::TAG;
        $source = $target . '/source';
        if (trim((string)@file_get_contents($source . '/.commit')) !== $commit) {
            exec('rm -rf ' . escapeshellarg($source));
            mkdir($source, 0755, true);
            $archive = 'git -C ' . escapeshellarg($repo) . ' archive ' . escapeshellarg($commit) . ' bitrix-module crates emulator Cargo.toml Cargo.lock'
                . ' | tar -x -C ' . escapeshellarg($source);
            if (self::run(['sh', '-c', 'set -e; ' . $archive], 'git archive') === null) {
                throw new \RuntimeException('git archive of ' . self::TAG . ' failed');
            }
            file_put_contents($source . '/.commit', $commit . "\n");
        }
        // Offline: the tag's Cargo.lock pins every crate, and the build of this checkout has fetched them (CI has no
        // network). The build's own target directory keeps it from disturbing this checkout's.
        $started = microtime(true);
        $log = $target . '/build.log';
        $built = self::run(['sh', '-c', 'cd ' . escapeshellarg($source) . ' && CARGO_TARGET_DIR=' . escapeshellarg($target)
            . ' cargo build -p mindbox --locked --offline >' . escapeshellarg($log) . ' 2>&1'], 'cargo build');
        if ($built === null) {
            throw new \RuntimeException('Building the extension of ' . self::TAG . ' failed (offline, with its Cargo.lock): '
                . implode("\n", array_slice(file($log) ?: [], -20)));
        }
        if (str_contains((string)file_get_contents($log), 'Compiling mindbox ')) {
            fwrite(STDERR, sprintf("[built the extension of %s in %.0f s]\n", self::TAG, microtime(true) - $started));
        }
        return new self($source . '/bitrix-module', $target . '/debug/libmindbox.so');
    }

    /** @return ?string the command's output, null when it failed */
    private static function run(array $command, string $what): ?string
    {
        $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        if ($process === false) {
            throw new \RuntimeException("cannot start $what");
        }
        $output = (string)stream_get_contents($pipes[1]);
        stream_get_contents($pipes[2]);
        return proc_close($process) === 0 ? trim($output) : null;
    }
}
