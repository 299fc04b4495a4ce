#!/usr/bin/env bash
# Builds mindbox.so in release mode and installs it into this machine's PHP 8.2 (cli and fpm).
# Usage: bash scripts/install.sh [--daemon] [OUTBOX_PATH]   (default /var/lib/mindbox/outbox.sqlite)
#   --daemon  also installs the delivery daemon (mindbox-deliver, a systemd service) and sets
#             mindbox.delivery = external, so PHP processes start no delivery threads.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh

daemon=no
if [ "${1:-}" = "--daemon" ]; then
    daemon=yes
    shift
fi
outbox="${1:-/var/lib/mindbox/outbox.sqlite}"
ensure_build_deps

step "building (release)"
cargo build --release --quiet -p mindbox -p mindbox-deliver

dir="$(php-config --extension-dir)"
step "installing $dir/mindbox.so"
install -m 0644 target/release/libmindbox.so "$dir/mindbox.so"

mkdir -p "$(dirname "$outbox")"
# The FPM pool user and the cron user must both write the outbox.
chown www-data:www-data "$(dirname "$outbox")" 2>/dev/null || true
delivery=inline
[ "$daemon" = yes ] && delivery=external
cat > /etc/php/8.2/mods-available/mindbox.ini <<INI
; priority=30
extension=mindbox.so
mindbox.outbox=$outbox
; inline: background threads of the PHP processes deliver; external: the mindbox-deliver service
mindbox.delivery=$delivery
INI
phpenmod -v 8.2 mindbox

if [ "$daemon" = yes ]; then
    step "installing the delivery daemon"
    install -m 0755 target/release/mindbox-deliver /usr/local/bin/mindbox-deliver
    install -m 0644 scripts/systemd/mindbox-deliver.service /etc/systemd/system/mindbox-deliver.service
    mkdir -p /etc/mindbox
    if [ ! -f /etc/mindbox/deliver.json ]; then
        # A template: one entry per endpoint the shop sends to, with the same keys as MindboxClient's config.
        cat > /etc/mindbox/deliver.json <<JSON
[{"endpointId": "your-endpoint", "secretKey": "your-secret-key", "baseUrl": "https://api.mindbox.ru", "outbox": "$outbox"}]
JSON
        chown root:www-data /etc/mindbox/deliver.json
        chmod 0640 /etc/mindbox/deliver.json
    fi
    echo "edit /etc/mindbox/deliver.json, then: systemctl daemon-reload && systemctl enable --now mindbox-deliver"
fi
php -m | grep -qx mindbox && echo "mindbox is loaded by the CLI; restart PHP-FPM: systemctl restart php8.2-fpm"
