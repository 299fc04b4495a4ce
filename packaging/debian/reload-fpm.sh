# reload_fpm, for the maintainer scripts: scripts/package.sh puts it where one says #RELOAD_FPM#.
# A reload (SIGUSR2): the master reads conf.d again and forks new workers, which load the extension as it now is (or
# no longer load it). The old workers finish the requests in hand only within php-fpm.conf's process_control_timeout:
# with Debian's default of 0 they are cut off (the README asks for a timeout). Nothing to do where php8.2-fpm is
# absent or stopped.
reload_fpm() {
    if invoke-rc.d --quiet php8.2-fpm status >/dev/null 2>&1; then
        invoke-rc.d php8.2-fpm reload || true
    fi
}
