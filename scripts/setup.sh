# Shared by the scripts: installs what is missing on Debian 12 and finds the tools.
# Sourced, not run.

step() { printf '\n==> %s\n' "$*"; }

# Debian packages the project needs; installed only when missing, so a prepared machine
# does not touch the network.
ensure_packages() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        step "installing ${missing[*]}"
        if [ "$(id -u)" -ne 0 ]; then
            echo "missing Debian packages: ${missing[*]} (run as root, or install them)" >&2
            exit 1
        fi
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# The extension is built against the PHP headers of php8.2-dev; bindgen needs libclang.
ensure_build_deps() {
    ensure_packages ca-certificates build-essential pkg-config libclang-dev \
        php8.2-cli php8.2-dev php8.2-curl php8.2-mbstring php8.2-xml "$@"
    if [ -f "$HOME/.cargo/env" ]; then
        # shellcheck disable=SC1091
        . "$HOME/.cargo/env"
    fi
    if ! command -v cargo >/dev/null; then
        echo "cargo not found: install Rust stable (1.91 or newer) with rustup first" >&2
        exit 1
    fi
}
