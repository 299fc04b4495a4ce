#!/usr/bin/env bash
# Builds mindbox.so in release mode and installs it into this machine's PHP 8.2 (cli and fpm).
# Usage: bash scripts/install.sh [OUTBOX_PATH]   (default /var/lib/mindbox/outbox.sqlite)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh

outbox="${1:-/var/lib/mindbox/outbox.sqlite}"
ensure_build_deps

step "building (release)"
cargo build --release --quiet -p mindbox

dir="$(php-config --extension-dir)"
step "installing $dir/mindbox.so"
install -m 0644 target/release/libmindbox.so "$dir/mindbox.so"

mkdir -p "$(dirname "$outbox")"
# The FPM pool user and the cron user must both write the outbox.
chown www-data:www-data "$(dirname "$outbox")" 2>/dev/null || true
cat > /etc/php/8.2/mods-available/mindbox.ini <<INI
; priority=30
extension=mindbox.so
mindbox.outbox=$outbox
INI
phpenmod -v 8.2 mindbox
php -m | grep -qx mindbox && echo "mindbox is loaded by the CLI; restart PHP-FPM: systemctl restart php8.2-fpm"
