#!/usr/bin/env bash
# The benchmarks (not part of the tests): what the integration costs a shop, against the PHP way,
# side by side in one run on this machine. Builds in release mode, starts the Mindbox emulator on
# 127.0.0.1 twice (0 ms and 50 ms of added latency) and a private MariaDB on 127.0.0.1 for the
# MySQL outbox's rows, runs bench/run.php, prints the table and writes it to bench/results.md (and
# the README's Benchmarks section).
# Installs what is missing (Debian 12, as root).
#
#   bash scripts/bench.sh                       # the full run, about 12 minutes on 2 cores
#   BENCH_SCALE=0.1 bash scripts/bench.sh       # a quick look: every count a tenth
#   BENCH_OUTAGE_SECONDS=600 bash scripts/bench.sh   # the real-time outage at its full ten minutes
#   BENCH_README=0 bash scripts/bench.sh        # leave README.md alone
#   BENCH_ONLY=send,call bash scripts/bench.sh  # only these measurements (keys: phpway, call, send,
#                                               # paced, bare, cold, deliver, drain, oneop, outage, faults,
#                                               # disk, memory, cpu100, fpm, fpmrecycle, fpmkill,
#                                               # fpmdaemon, recovery, mysql, feed, history)
#   BENCH_ONLY=mysql bash scripts/bench.sh      # only the MySQL outbox's rows, about two minutes
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
. scripts/mariadb.sh
. scripts/processes.sh

# php-fpm for the PHP-FPM pool rows, strace to see the idle pool's write transactions, MariaDB for
# the MySQL outbox's rows.
ensure_build_deps php8.2-fpm strace mariadb-server php8.2-sqlite3 php8.2-mysql

step "building the extension and the emulator (release)"
cargo build --workspace --release --quiet

# A partial run's raw results outlive the run's own temporary directory.
partial="${TMPDIR:-/tmp}/mindbox-bench-partial.json"
# However the script ends (done, failed, Ctrl-C or another signal, each through `exit`), the EXIT trap stops the
# servers and then fails the run, naming them, if processes it started are still running.
processes_track
work="$(mktemp -d)"
pids=()
finish() {
    local status=$? pid
    for pid in "${pids[@]}"; do processes_stop "$pid"; done
    mariadb_stop
    processes_check || status=1
    exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export BENCH_ENDPOINT=bench-shop BENCH_SECRET=bench-secret
for latency in 0 50; do
    processes_start pid target/release/mindbox-emulator --listen 127.0.0.1:0 --endpoint-id "$BENCH_ENDPOINT" \
        --secret-key "$BENCH_SECRET" --latency-ms "$latency" --port-file "$work/port$latency" \
        >"$work/emulator$latency.log" 2>&1
    pids+=("$pid")
    export "BENCH_PID_$latency=$pid"
done
for latency in 0 50; do
    for _ in $(seq 100); do [ -s "$work/port$latency" ] && break; sleep 0.1; done
    [ -s "$work/port$latency" ] || { cat "$work/emulator$latency.log" >&2; echo "the emulator did not start" >&2; exit 1; }
    export "BENCH_URL_$latency=http://127.0.0.1:$(cat "$work/port$latency")"
done

# The MySQL rows only run when selected (BENCH_ONLY empty or naming mysql). The server's files go
# next to the SQLite outboxes rather than to /dev/shm, so that its commits pay the same disk's
# fsyncs.
if [ -z "${BENCH_ONLY:-}" ] || [[ ",$BENCH_ONLY," == *,mysql,* ]]; then
    step "a private MariaDB server for the MySQL outbox's rows (stopped on exit)"
    export MINDBOX_MARIADB_BASE="${MINDBOX_MARIADB_BASE:-$work}"
    mariadb_start
    export BENCH_MYSQL_URL="$MINDBOX_TEST_MYSQL_URL" BENCH_MYSQL_PID="$(cat "$MINDBOX_MARIADB_DIR/mariadbd.pid")"
    echo "MariaDB $(mariadbd --version | awk '{print $3}') on 127.0.0.1:$MINDBOX_MARIADB_PORT, files in $MINDBOX_MARIADB_DIR"
fi

export BENCH_EXTENSION="$PWD/target/release/libmindbox.so" BENCH_DELIVER="$PWD/target/release/mindbox-deliver" BENCH_WORK="$work"
mkdir -p "$work/out"
step "measuring (emulators at $BENCH_URL_0 and $BENCH_URL_50${BENCH_MYSQL_URL:+, MariaDB at 127.0.0.1:$MINDBOX_MARIADB_PORT})"
php bench/run.php "$work/out/results.json"

step "results"
if [ -n "${BENCH_ONLY:-}" ]; then
    # A partial run: print it, but keep the committed table and the README as they are.
    php bench/report.php "$work/out/results.json" "$work/out/results.md"
    cp "$work/out/results.json" "$partial"
    echo "raw results of this partial run: $partial"
else
    readme=()
    [ "${BENCH_README:-1}" = "1" ] && readme=(--readme README.md)
    php bench/report.php "$work/out/results.json" bench/results.md "${readme[@]}"
    cp "$work/out/results.json" bench/results.json
fi
