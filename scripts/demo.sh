#!/usr/bin/env bash
# The demo: a simulated Bitrix shop sends a customer's journey through the module and the
# extension to the bundled Mindbox emulator, then prints what "Mindbox" received.
# Installs what is missing (Debian 12, as root).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
. scripts/processes.sh

# Chromium is the visitor's browser: the tracker runs in it and reports what she views.
ensure_build_deps chromium

step "building the extension and the emulator (release)"
cargo build --workspace --release --quiet

# However the script ends (done, failed, Ctrl-C or another signal, each through `exit`), the EXIT trap stops the
# emulator and then fails the run, naming them, if processes it started are still running.
processes_track
work="$(mktemp -d)"
emulator_pid=""
finish() {
    local status=$?
    [ -z "$emulator_pid" ] || processes_stop "$emulator_pid"
    processes_check || status=1
    exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export MINDBOX_DEMO_ENDPOINT=demo-shop MINDBOX_DEMO_SECRET=demo-secret
processes_start emulator_pid target/release/mindbox-emulator --listen 127.0.0.1:0 --endpoint-id "$MINDBOX_DEMO_ENDPOINT" \
    --secret-key "$MINDBOX_DEMO_SECRET" --port-file "$work/port" >"$work/emulator.log" 2>&1
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { cat "$work/emulator.log" >&2; echo "the emulator did not start" >&2; exit 1; }
export MINDBOX_DEMO_BASE_URL="http://127.0.0.1:$(cat "$work/port")"

step "the journey (emulator at $MINDBOX_DEMO_BASE_URL)"
php -d "extension=$PWD/target/release/libmindbox.so" demo/journey.php
