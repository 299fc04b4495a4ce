#!/usr/bin/env bash
# The loyalty invariant test, longer and with a random seed: the shop's saved orders and Mindbox's ledger must agree
# under random faults at checkout. Prints the seed, so a failing run can be repeated with it.
#   bash scripts/invariant.sh [ROUNDS (default 200)] [SEED (default random)]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh

ensure_build_deps phpunit
cargo build --workspace --features mindbox/test-hooks --quiet
export MINDBOX_EXTENSION="$PWD/target/debug/libmindbox.so"
export MINDBOX_EMULATOR_BIN="$PWD/target/debug/mindbox-emulator"
export MINDBOX_INVARIANT_ROUNDS="${1:-200}"
export MINDBOX_INVARIANT_SEED="${2:-$(( (RANDOM << 15) | RANDOM ))}"
echo "seed $MINDBOX_INVARIANT_SEED, $MINDBOX_INVARIANT_ROUNDS rounds per loyalty mode"
php -d "extension=$MINDBOX_EXTENSION" "$(command -v phpunit)" --bootstrap tests/module/bootstrap.php \
    --filter LoyaltyInvariantTest tests/module
