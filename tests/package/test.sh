#!/usr/bin/env bash
# The Debian package (issue 22), on this machine as root: built by scripts/package.sh (or DEB=path, a .deb it made),
# installed with apt into this machine's PHP 8.2; php -m and a PHP-FPM worker load the extension (after the graceful
# reload the package's scripts give the php8.2-fpm service), systemd-analyze accepts the daemon's unit, the module
# goes into a site and is updated in it, and a purge leaves nothing behind: no file the package had, no ini, no
# /etc/mindbox, no PHP module state, nothing new anywhere in /etc, /usr, /lib or /var/lib/php.
#
# The other suites load the extension from target/ with -d extension=…, which an installed package would load twice:
# whatever happens, the EXIT trap stops the test's PHP-FPM and purges the package.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/setup.sh
. scripts/processes.sh

package=php8.2-rustbox-mindbox
unit=/lib/systemd/system/mindbox-deliver.service
if [ "$(id -u)" -ne 0 ]; then
    echo "the package test installs into this machine's PHP: run it as root" >&2
    exit 1
fi
# A machine with the package in use is not ours to purge.
if dpkg-query -W "$package" >/dev/null 2>&1; then
    echo "$package is installed here already (dpkg-query -W $package); the test would purge it: remove it first" >&2
    exit 1
fi
ensure_packages php8.2-cli php8.2-fpm systemd lintian

work="$(mktemp -d "${TMPDIR:-/tmp}/mindbox-package.XXXXXX")"
chmod 0755 "$work"
fpm=
state_dirs="$work/state-dirs"
find /var/lib/php/modules -type d | LC_ALL=C sort >"$state_dirs"

restore() {
    local status=$? dir
    [ -z "$fpm" ] || processes_stop "$fpm"
    if dpkg-query -W "$package" >/dev/null 2>&1; then
        echo "restoring the machine: purging $package" >&2
        apt-get purge -y -qq "$package" >"$work/restore.log" 2>&1 || cat "$work/restore.log" >&2
    fi
    # phpdismod leaves empty state directories (disabled_by_admin, …) of php-common's bookkeeping: the ones this run
    # made go, so the machine is as it was.
    find /var/lib/php/modules -type d -empty | LC_ALL=C sort | LC_ALL=C comm -13 "$state_dirs" - | while read -r dir; do
        rmdir "$dir"
    done
    rm -rf "$work"
    exit "$status"
}
trap restore EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -n "${DEB:-}" ]; then
    deb="$(realpath "$DEB")"
else
    # package.sh prints the .deb's path last.
    bash scripts/package.sh | tee "$work/package.log"
    deb="$(tail -n 1 "$work/package.log")"
fi

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# What a request to the test's PHP-FPM pool says: whether its worker has the extension.
# shellcheck disable=SC2016 # PHP code, not the shell's
fpm_port="$(php -r '$s = stream_socket_server("tcp://127.0.0.1:0"); $n = stream_socket_get_name($s, false); echo substr($n, strrpos($n, ":") + 1);')"
cat >"$work/loaded.php" <<'PHP'
<?php
echo json_encode(['loaded' => extension_loaded('mindbox'), 'version' => phpversion('mindbox'), 'worker' => getmypid()]);
PHP
ask_fpm() {
    # shellcheck disable=SC2016 # PHP code, not the shell's
    php -n -r 'require "tests/support/fpm/FastCgi.php";
        echo MindboxTests\Support\FastCgi::get("127.0.0.1", (int) $argv[1], $argv[2], "", 5.0)["body"];' \
        "$fpm_port" "$work/loaded.php"
}
# Waits until a worker answers with the extension loaded (true) or not (false).
wait_fpm_loaded() {
    local want="$1" answer="" i
    for ((i = 0; i < 100; i++)); do
        answer="$(ask_fpm 2>/dev/null || true)"
        [[ "$answer" == *"\"loaded\":$want"* ]] && { echo "  a PHP-FPM worker answers $answer"; return 0; }
        sleep 0.1
    done
    fail "no PHP-FPM worker answered loaded=$want (last answer: ${answer:-none}); log: $(cat "$work/fpm.log" 2>/dev/null)"
}
fpm_master_reload() {
    # What the package's scripts have the php8.2-fpm service do (invoke-rc.d php8.2-fpm reload: SIGUSR2 to the
    # master); the test's pool is its own, so the test signals it.
    kill -USR2 "$fpm"
}

# Before: the machine's PHP without the extension. Snapshots of what the purge must leave as it was.
php -m | grep -qx mindbox && fail "the CLI loads mindbox before the package is installed"
snapshot() {
    find /etc /usr /lib /var/lib/php -xdev \( -type f -o -type l -o -type d \) -print 2>/dev/null | LC_ALL=C sort
}
snapshot >"$work/before"

step "lintian (errors and warnings fail; packaging/debian/lintian-overrides gives the reasons of its overrides)"
lintian --fail-on error,warning --pedantic "$deb" >"$work/lintian.log" 2>&1 || { sed 's/^/  /' "$work/lintian.log"; fail "lintian"; }
# Notes (I:) and pedantic tags (P:) are shown, not failed on; root is warned against, not refused.
grep -v 'running with root privileges' "$work/lintian.log" | sed 's/^/  /' || true
echo "  no error, no warning"

step "a PHP-FPM pool of the test's own on 127.0.0.1:$fpm_port, php.ini and conf.d the fpm SAPI's"
cat >"$work/fpm.conf" <<CONF
[global]
pid = $work/fpm.pid
error_log = $work/fpm.log
daemonize = no
[test]
listen = 127.0.0.1:$fpm_port
pm = static
pm.max_children = 1
CONF
processes_start fpm /usr/sbin/php-fpm8.2 -F -R -y "$work/fpm.conf" >>"$work/fpm.log" 2>&1
wait_fpm_loaded false

step "apt-get install $deb"
started=$SECONDS
apt-get install -y -qq --no-install-recommends "$deb" >"$work/install.log" 2>&1 \
    || { cat "$work/install.log" >&2; fail "apt-get install"; }
grep -E '^(Setting up|Unpacking)' "$work/install.log" | sed 's/^/  /'
dpkg-query -W -f='  ${Package} ${Version} ${Architecture}, Depends: ${Depends}\n' "$package"
dpkg-query -W -f='${Depends}' "$package" | grep -q "phpapi-$(php-config --phpapi)" || fail "Depends has no phpapi-…"
files="$work/files"
dpkg -L "$package" >"$files"

step "php -m"
php -m | grep -x mindbox || fail "php -m has no mindbox"
echo "  $(php -r 'echo "mindbox ", phpversion("mindbox"), ", mindbox.delivery=", ini_get("mindbox.delivery"), ", mindbox.outbox=\"", ini_get("mindbox.outbox"), "\"";')"
for sapi in cli fpm; do
    link="/etc/php/8.2/$sapi/conf.d/30-mindbox.ini"
    [ "$(readlink "$link")" = /etc/php/8.2/mods-available/mindbox.ini ] || fail "$link is not the package's ini"
done
dpkg-query -W -f='${Conffiles}\n' "$package" | grep -q ' /etc/php/8.2/mods-available/mindbox.ini ' \
    || fail "mindbox.ini is not a conffile"
echo "  enabled for cli and fpm (conf.d/30-mindbox.ini); mindbox.ini is a conffile"

step "a PHP-FPM worker after the graceful reload"
fpm_master_reload
wait_fpm_loaded true

step "the delivery daemon and its unit"
systemd-analyze verify "$unit" || fail "systemd-analyze verify $unit"
echo "  systemd-analyze verify $unit: accepted"
grep -E '^Exec' "$unit" | sed 's/^/  /'
if compgen -G "/etc/systemd/system/*.wants/mindbox-deliver.service" >/dev/null; then
    fail "the package enabled mindbox-deliver"
fi
echo "  not enabled (no link in /etc/systemd/system/*.wants)"
[ "$(stat -c '%U:%G %a' /etc/mindbox/deliver.json)" = "root:www-data 640" ] || fail "/etc/mindbox/deliver.json is not root:www-data 0640"
echo "  /etc/mindbox/deliver.json: root:www-data 0640"
/usr/bin/mindbox-deliver --help | head -n 1 | sed 's/^/  mindbox-deliver --help: /'

step "rustbox-mindbox-site-install into a fake document root"
shipped=/usr/share/rustbox-mindbox/bitrix-module
site="$work/site"
mkdir -p "$site/bitrix"
chown -R www-data:www-data "$site"
if rustbox-mindbox-site-install "$work" >/dev/null 2>&1; then
    fail "a directory without bitrix/ was taken for a document root"
fi
rustbox-mindbox-site-install "$site" | sed 's/^/  /'
module="$site/local/modules/rustbox.mindbox"
diff -r "$shipped" "$module" >/dev/null || fail "the site's module differs from the package's"
[ -z "$(find "$site/local" ! -user www-data -o ! -group www-data)" ] || fail "files not owned by the site's owner"
[ -z "$(find "$module" -type f ! -perm 0644 -o -type d ! -perm 0755)" ] || fail "modes other than 0644/0755"
echo "  an exact copy, owned by the document root's owner www-data, files 0644, directories 0755"

# An update: a file the package no longer ships and a file changed in the site both go, and the new directory is
# renamed into place (another inode), never copied over the old one.
echo stale >"$module/lib/no-longer-shipped.php"
echo changed >>"$module/include.php"
before_inode="$(stat -c %i "$module")"
rustbox-mindbox-site-install "$site" --owner root:root | sed 's/^/  /'
diff -r "$shipped" "$module" >/dev/null || fail "the update left the site's module unlike the package's"
[ "$(stat -c %i "$module")" != "$before_inode" ] || fail "the update wrote into the old directory"
[ -z "$(find "$module" ! -user root)" ] || fail "--owner root:root was not applied"
[ "$(ls -A "$site/local")" = modules ] || fail "temporary directories left in local/: $(ls -A "$site/local")"
echo "  updated: a file no longer shipped removed, a changed file restored, a new directory renamed in, owner root"

step "apt-get purge $package"
apt-get purge -y -qq "$package" >"$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; fail "apt-get purge"; }
grep -E '^(Removing|Purging)' "$work/purge.log" | sed 's/^/  /'
dpkg-query -W "$package" >/dev/null 2>&1 && fail "dpkg still knows $package"
remaining=()
while read -r path; do
    # Directories such as /usr/share/man (and /lib, a link to usr/lib) are shared with other packages; the package's
    # own must be gone.
    if [ -d "$path" ]; then
        case "$path" in /usr/share/rustbox-mindbox* | "/usr/share/doc/$package") remaining+=("$path") ;; esac
    elif [ -e "$path" ] || [ -L "$path" ]; then
        remaining+=("$path")
    fi
done <"$files"
[ "${#remaining[@]}" -eq 0 ] || fail "left behind by the purge: ${remaining[*]}"
echo "  none of the $(wc -l <"$files") paths of dpkg -L is left (directories shared with other packages aside)"
[ ! -e /etc/mindbox ] || fail "/etc/mindbox is still there"
[ -z "$(find /etc/php -name '*mindbox*')" ] || fail "left in /etc/php: $(find /etc/php -name '*mindbox*')"
[ -z "$(find /var/lib/php/modules -name mindbox)" ] || fail "PHP module state left: $(find /var/lib/php/modules -name mindbox)"
php -m | grep -qx mindbox && fail "php -m still has mindbox"
echo "  /etc/mindbox, the ini, its conf.d links and phpenmod's state are gone; php -m has no mindbox"
fpm_master_reload
wait_fpm_loaded false
processes_stop "$fpm"
fpm=

# phpdismod's empty state directories are php-common's, not the package's (restore() takes them away); anything else
# new in /etc, /usr, /lib or /var/lib/php is a leftover.
snapshot | LC_ALL=C comm -13 "$work/before" - | while read -r path; do
    if [[ "$path" != /var/lib/php/modules/* ]] || [ ! -d "$path" ] || [ -n "$(ls -A "$path")" ]; then
        echo "$path"
    fi
done >"$work/new"
[ ! -s "$work/new" ] || fail "new since before the install: $(cat "$work/new")"
echo "  nothing new in /etc, /usr, /lib or /var/lib/php (php-common's empty state directories aside)"
echo "  install, checks and purge: $((SECONDS - started)) s"
