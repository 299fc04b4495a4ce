#!/usr/bin/env bash
# Runs every check and test of the project; installs what is missing (Debian 12, as root).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
. scripts/mariadb.sh

ensure_build_deps phpunit php8.2-fpm chromium mariadb-server

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (warnings denied)"
cargo clippy --workspace --all-targets --all-features --quiet -- -D warnings

step "php -l over every PHP file"
find . -name '*.php' -not -path './target/*' -not -path './.git/*' -print0 \
    | xargs -0 -n1 -P2 php -l >/dev/null

step "a private MariaDB server for the MySQL outbox (stopped on exit)"
# A signal ends the script through `exit`, so that the EXIT trap stops the server.
trap mariadb_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mariadb_start
echo "MariaDB $(mariadbd --version | awk '{print $3}') on 127.0.0.1:$MINDBOX_MARIADB_PORT, files in $MINDBOX_MARIADB_DIR"

step "cargo test (core and emulator)"
cargo test --workspace --quiet

step "build the extension (with its test hooks), the delivery daemon and the emulator"
cargo build --workspace --features mindbox/test-hooks --quiet
export MINDBOX_EXTENSION="$PWD/target/debug/libmindbox.so"
export MINDBOX_EMULATOR_BIN="$PWD/target/debug/mindbox-emulator"
export MINDBOX_DELIVER_BIN="$PWD/target/debug/mindbox-deliver"

step "PHPUnit without the extension: a shop mocking the interface from php-stubs/"
phpunit --bootstrap tests/stubs-only/bootstrap.php tests/stubs-only

step "PHPUnit: the Bitrix module on a PHP without the extension (it must degrade, not break)"
phpunit --bootstrap tests/bitrix/bootstrap.php --filter SafetyTest tests/bitrix

step "PHPUnit: the Bitrix module with the extension, end to end through the emulator"
php -d "extension=$MINDBOX_EXTENSION" "$(command -v phpunit)" --bootstrap tests/bitrix/bootstrap.php tests/bitrix

step "PHPUnit: the extension against the emulator"
php -d "extension=$MINDBOX_EXTENSION" "$(command -v phpunit)" -c phpunit.xml

step "PHPUnit: the outbox suites again (OutboxTest, HoldTest), on the MySQL backend (MariaDB)"
MINDBOX_TEST_OUTBOX=mysql php -d "extension=$MINDBOX_EXTENSION" "$(command -v phpunit)" -c phpunit.xml --filter 'OutboxTest|HoldTest'
