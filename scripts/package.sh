#!/usr/bin/env bash
# Builds the Debian package php8.2-rustbox-mindbox from this source tree: the release extension for the PHP 8.2 of
# $PHP_CONFIG or the php-config on PATH, the delivery daemon with its systemd unit, and the Bitrix module with the
# command that puts it into a site. Debian 12's own tools only (dpkg-shlibdeps, dpkg-gencontrol, dpkg-deb); no network
# but crates.io and Debian's archive for what is missing. Prints the .deb's path last:
# target/package/php8.2-rustbox-mindbox_<version>_<arch>.deb.
# Usage: bash scripts/package.sh          (then, as root: apt install ./target/package/php8.2-rustbox-mindbox_*.deb)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh

ensure_build_deps dpkg-dev
umask 022

# Everything in the package names PHP 8.2 (the package, /etc/php/8.2, phpenmod -v 8.2): the PHP it is built against
# must be that one.
# The php-config the extension builds against: ext-php-rs takes PHP_CONFIG, else the one on PATH.
php_config="${PHP_CONFIG:-php-config}"
php_version="$("$php_config" --version)"
if [ "${php_version%.*}" != 8.2 ]; then
    echo "$php_config is PHP $php_version; this package is for PHP 8.2 (set PHP_CONFIG=php-config8.2)" >&2
    exit 1
fi
package=php8.2-rustbox-mindbox
# shellcheck disable=SC2016 # PHP code, not the shell's
version="$(cargo metadata --no-deps --format-version 1 --locked \
    | php -r 'foreach (json_decode(stream_get_contents(STDIN), true)["packages"] as $p) { if ($p["name"] === "mindbox") { echo $p["version"]; } }')"
extension_dir="$("$php_config" --extension-dir)"
arch="$(dpkg --print-architecture)"

step "building $package $version (release)"
cargo build --release --locked --quiet -p mindbox -p mindbox-deliver

work="$PWD/target/package"
root="$work/root"
rm -rf "$work"
mkdir -p "$root/DEBIAN" "$work/debian"

step "staging the files"
# Stripped as dh_strip would: the symbol tables are of no use to PHP or systemd and a tenth of the size.
install -D -m 0644 target/release/libmindbox.so "$root$extension_dir/mindbox.so"
install -D -m 0755 target/release/mindbox-deliver "$root/usr/bin/mindbox-deliver"
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
    "$root$extension_dir/mindbox.so" "$root/usr/bin/mindbox-deliver"
install -D -m 0644 packaging/mindbox.ini "$root/etc/php/8.2/mods-available/mindbox.ini"
# One unit for both ways of installing: scripts/install.sh puts the daemon in /usr/local/bin, a package in /usr/bin
# with its manual page.
install -d "$root/lib/systemd/system"
sed -e 's|/usr/local/bin/mindbox-deliver|/usr/bin/mindbox-deliver|g' \
    -e '/^Description=/a Documentation=man:mindbox-deliver(1)' scripts/systemd/mindbox-deliver.service \
    >"$root/lib/systemd/system/mindbox-deliver.service"
install -D -m 0755 packaging/rustbox-mindbox-site-install "$root/usr/sbin/rustbox-mindbox-site-install"
install -D -m 0644 packaging/deliver.json "$root/usr/share/rustbox-mindbox/deliver.json"
# The module's files as git has them or would add them: nothing ignored (caches, editors' files) is shipped.
share="$root/usr/share/rustbox-mindbox"
git ls-files -z --cached --others --exclude-standard -- bitrix-module \
    | while IFS= read -r -d '' file; do
        [ -f "$file" ] && printf '%s\0' "$file"
    done \
    | tar --null -T - -cf - | tar -xf - -C "$share"
find "$share/bitrix-module" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +
install -d "$root/usr/share/man/man1" "$root/usr/share/man/man8"
gzip -9n <packaging/mindbox-deliver.1 >"$root/usr/share/man/man1/mindbox-deliver.1.gz"
gzip -9n <packaging/rustbox-mindbox-site-install.8 >"$root/usr/share/man/man8/rustbox-mindbox-site-install.8.gz"
install -D -m 0644 packaging/debian/lintian-overrides "$root/usr/share/lintian/overrides/$package"

# The changelog Debian wants in every package, made from the version Cargo has and the commit built; its date is the
# commit's, so that two builds of one commit are the same package.
commit="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
date="$(git log -1 --format=%cD 2>/dev/null || date -R)"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(date -d "$date" +%s)}"
maintainer="$(sed -n 's/^Maintainer: //p' packaging/debian/control)"
cat >"$work/debian/changelog" <<CHANGELOG
rustbox-mindbox ($version) stable; urgency=medium

  * Built from commit $commit (the project's git log has its history).

 -- $maintainer  $date
CHANGELOG
docs="$root/usr/share/doc/$package"
install -D -m 0644 packaging/debian/copyright "$docs/copyright"
gzip -9n <"$work/debian/changelog" >"$docs/changelog.gz"

step "maintainer scripts and control"
snippet="$(cat packaging/debian/reload-fpm.sh)"
for script in postinst prerm postrm; do
    while IFS= read -r line; do
        if [ "$line" = '#RELOAD_FPM#' ]; then printf '%s\n' "$snippet"; else printf '%s\n' "$line"; fi
    done <"packaging/debian/$script" >"$root/DEBIAN/$script"
    chmod 0755 "$root/DEBIAN/$script"
done
echo /etc/php/8.2/mods-available/mindbox.ini >"$root/DEBIAN/conffiles"
cp packaging/debian/control "$work/debian/control"
# The extension loads only into a PHP of the API it was built for: phpapi-… is provided by exactly those SAPIs.
echo "php:Depends=phpapi-$("$php_config" --phpapi), php8.2-common" >"$work/debian/substvars"
(
    cd "$work"
    dpkg-shlibdeps -Tdebian/substvars "root$extension_dir/mindbox.so" root/usr/bin/mindbox-deliver
    dpkg-gencontrol -p"$package" -v"$version" -Tdebian/substvars -Proot
)
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) \
    >"$root/DEBIAN/md5sums"

deb="$work/${package}_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
step "built"
dpkg-deb --field "$deb" Package Version Architecture Depends
echo "$deb"
