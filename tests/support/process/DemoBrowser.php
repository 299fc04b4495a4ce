<?php

declare(strict_types=1);

use MindboxTests\Support\ProcessGroup;

require_once __DIR__ . '/ProcessGroup.php';

/**
 * A visitor's browser: headless Chromium (Debian's chromium) with a profile of its own, so the cookies the tracker
 * sets on one page are there on the next, as in a real browsing session. Each page is loaded until its scripts and
 * their requests are done (virtual time), then its final DOM is returned.
 */
final class DemoBrowser
{
    private string $profile;

    public function __construct(private readonly string $binary = '/usr/bin/chromium')
    {
        if (!is_executable($binary)) {
            throw new RuntimeException("no browser at $binary (apt-get install chromium)");
        }
        $this->profile = sys_get_temp_dir() . '/rustbox-demo-browser-' . getmypid() . '-' . bin2hex(random_bytes(4));
    }

    public function __destruct()
    {
        exec('rm -rf ' . escapeshellarg($this->profile));
    }

    public function open(string $url): string
    {
        // Without the background-networking switches Chromium keeps trying hosts this closed network refuses.
        $command = [
            $this->binary, '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync',
            '--user-data-dir=' . $this->profile, '--virtual-time-budget=5000', '--dump-dom', $url,
        ];
        $browser = ProcessGroup::start(['timeout', '60', ...$command], [1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'w']]);
        $dom = (string)stream_get_contents($browser->pipes[1]);
        $status = $browser->wait(60.0);
        // Its helper processes may outlive it.
        $browser->stop();
        if ($status !== 0) {
            throw new RuntimeException("the browser failed on $url (exit $status)");
        }
        return $dom;
    }
}
