#!/usr/bin/env bash
# The demo: a simulated Bitrix shop sends a customer's journey through the module and the
# extension to the bundled Mindbox emulator, then prints what "Mindbox" received.
# Installs what is missing (Debian 12, as root).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh

# Chromium is the visitor's browser: the tracker runs in it and reports what she views.
ensure_build_deps chromium

step "building the extension and the emulator (release)"
cargo build --workspace --release --quiet

work="$(mktemp -d)"
emulator_pid=""
cleanup() {
    [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

export MINDBOX_DEMO_ENDPOINT=demo-shop MINDBOX_DEMO_SECRET=demo-secret
target/release/mindbox-emulator --listen 127.0.0.1:0 --endpoint-id "$MINDBOX_DEMO_ENDPOINT" \
    --secret-key "$MINDBOX_DEMO_SECRET" --port-file "$work/port" >"$work/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { cat "$work/emulator.log" >&2; echo "the emulator did not start" >&2; exit 1; }
export MINDBOX_DEMO_BASE_URL="http://127.0.0.1:$(cat "$work/port")"

step "the journey (emulator at $MINDBOX_DEMO_BASE_URL)"
php -d "extension=$PWD/target/release/libmindbox.so" demo/journey.php
