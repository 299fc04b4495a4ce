#!/usr/bin/env bash
# Runs every check and test of the project; installs what is missing (Debian 12, as root).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
. scripts/mariadb.sh
. scripts/processes.sh

ensure_build_deps phpunit php8.2-fpm chromium mariadb-server

# However the script ends (done, failed, Ctrl-C or another signal, each through `exit`), the EXIT trap stops the
# MariaDB server and then fails the run, naming them, if processes it started are still running.
processes_track
finish() {
    local status=$?
    mariadb_stop
    processes_check || status=1
    exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (warnings denied)"
cargo clippy --workspace --all-targets --all-features --quiet -- -D warnings

step "php -l over every PHP file"
find . -name '*.php' -not -path './target/*' -not -path './.git/*' -print0 \
    | xargs -0 -n1 -P2 php -l >/dev/null

step "no file over 400 lines (documents and generated files aside)"
# Every file git has or would add (target/ is ignored), less the documents (*.md) and what is generated.
long=()
while IFS= read -r -d '' file; do
    if [ -f "$file" ] && [ "$(wc -l <"$file")" -gt 400 ]; then
        long+=("$(wc -l <"$file") $file")
    fi
done < <(git ls-files -z --cached --others --exclude-standard -- ':!*.md' ':!Cargo.lock' ':!bench/results.json')
if [ "${#long[@]}" -gt 0 ]; then
    printf '  %s\n' "${long[@]}" >&2
    echo "files over 400 lines: split them" >&2
    exit 1
fi

step "a private MariaDB server for the MySQL outbox (stopped on exit)"
mariadb_start
echo "MariaDB $(mariadbd --version | awk '{print $3}') on 127.0.0.1:$MINDBOX_MARIADB_PORT, files in $MINDBOX_MARIADB_DIR"

step "cargo test (core and emulator)"
cargo test --workspace --quiet

step "cargo test of the core alone, as on a machine without PHP's headers, php-config or libclang"
# ext-php-rs (with bindgen and clang-sys) is not in the core's tree, so its build script cannot
# run; the tests then build and pass with nothing on PATH but Rust and the C toolchain (and
# `true`, which tests spawn), LIBCLANG_PATH unset, in a target directory of their own where no
# ext-php-rs build may appear.
if cargo tree -p mindbox-core -e normal,build --prefix none | grep -Eq '^(ext-php-rs|bindgen|clang-sys) '; then
    echo "mindbox-core depends on ext-php-rs or bindgen" >&2
    exit 1
fi
bare="$PWD/target/core-alone/path"
rm -rf "$bare" && mkdir -p "$bare"
for tool in cc ar as ld true; do ln -s "$(type -P "$tool")" "$bare/$tool"; done
for tool in cargo rustc rustdoc; do ln -s "$(rustup which "$tool" 2>/dev/null || type -P "$tool")" "$bare/$tool"; done
env -u LIBCLANG_PATH -u PHP_CONFIG -u PHP PATH="$bare" CARGO_TARGET_DIR="$PWD/target/core-alone" \
    cargo test -p mindbox-core --quiet
if compgen -G 'target/core-alone/debug/build/ext-php-rs-*' >/dev/null; then
    echo "ext-php-rs was built for the core alone" >&2
    exit 1
fi

step "build the extension (with its test hooks), the delivery daemon and the emulator"
cargo build --workspace --features mindbox/test-hooks --quiet
export MINDBOX_EXTENSION="$PWD/target/debug/libmindbox.so"
export MINDBOX_EMULATOR_BIN="$PWD/target/debug/mindbox-emulator"
export MINDBOX_DELIVER_BIN="$PWD/target/debug/mindbox-deliver"

step "PHPUnit without the extension: a shop mocking the interface from php-stubs/"
phpunit --bootstrap tests/stubs/mock/bootstrap.php tests/stubs/mock

step "PHPUnit: the Bitrix module on a PHP without the extension (it must degrade, not break)"
phpunit --bootstrap tests/module/bootstrap.php --filter SafetyTest tests/module

step "PHPUnit: the Bitrix module with the extension, end to end through the emulator"
php -d "extension=$MINDBOX_EXTENSION" "$(command -v phpunit)" --bootstrap tests/module/bootstrap.php tests/module

step "PHPUnit: the extension against the emulator"
php -d "extension=$MINDBOX_EXTENSION" "$(command -v phpunit)" -c phpunit.xml

step "PHPUnit: the outbox suites again (OutboxTest, HoldTest, SnapshotTest), on the MySQL backend (MariaDB)"
MINDBOX_TEST_OUTBOX=mysql php -d "extension=$MINDBOX_EXTENSION" "$(command -v phpunit)" -c phpunit.xml --filter 'OutboxTest|HoldTest|SnapshotTest'

step "the Debian package: scripts/package.sh, installed into this PHP (php -m, a PHP-FPM worker), its unit, a site, purged"
# Last: while it is installed, the CLI loads the packaged extension, which the suites above load from target/.
bash tests/package/test.sh
