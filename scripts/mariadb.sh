# shellcheck shell=bash
# A throwaway MariaDB server for the tests of the MySQL outbox: its own data directory, socket and
# loopback port, a database `mindbox_test` and a user `mindbox` with a password, as a shop's
# server would have. Sourced (by scripts/test.sh, after scripts/setup.sh), not run:
#
#   mariadb_start            # exports MINDBOX_TEST_MYSQL_URL and MINDBOX_TEST_MYSQL_SOCKET_URL
#   mariadb_restart [kill]   # the same server, data and port again; `kill`: as after a crash
#   mariadb_client -e SQL    # the client as the server's root, over the socket
#   mariadb_stop             # stops it and deletes its files
#
# The data directory goes to /dev/shm when there is room: creating the system tables costs about
# 900 fsyncs, seconds on a disk, nothing in memory. MINDBOX_MARIADB_BASE picks another place (a
# benchmark that wants a disk's fsyncs, say).

# The files and the port of each server are its own; a server left by a killed run is found by its
# owner (the shell that started it) being gone, and stopped.
_mariadb_prefix=mindbox-mariadb.

# The server's settings, for the bootstrap and every start alike. Without `--no-defaults` the
# machine's own /etc/mysql configuration (port 3306, its socket, its data directory) would apply.
_mariadb_opts() {
    local dir="$1"
    printf '%s\n' --no-defaults --datadir="$dir/data" --tmpdir="$dir" \
        --skip-name-resolve --innodb-log-file-size=32M --innodb-buffer-pool-size=128M
    # mariadbd refuses to run as root unless told to.
    [ "$(id -u)" -ne 0 ] || printf '%s\n' --user=root
}

_mariadb_base() {
    if [ -n "${MINDBOX_MARIADB_BASE:-}" ]; then
        echo "$MINDBOX_MARIADB_BASE"
    elif [ -d /dev/shm ] && [ -w /dev/shm ] \
        && [ "$(df -Pk /dev/shm 2>/dev/null | awk 'NR==2 {print $4}')" -gt 1048576 ] 2>/dev/null; then
        echo /dev/shm
    else
        echo "${TMPDIR:-/tmp}"
    fi
}

# A process's start time (clock ticks since boot): with its pid, it names the process, not a later
# one that got the same pid.
_mariadb_started() {
    awk '{sub(/.*\) /, ""); print $20}' "/proc/$1/stat" 2>/dev/null
}

# Whether the server of `dir` runs: its pid runs the mariadbd of that very directory (a zombie has
# no command line, a reused pid another one).
_mariadb_alive() {
    local dir="$1" pid
    pid="$(cat "$dir/mariadbd.pid" 2>/dev/null)" || return 1
    [ -n "$pid" ] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "--datadir=$dir/data"
}

# Stops the server of `dir` with `signal` (TERM: a clean shutdown; KILL: a crash).
_mariadb_halt() {
    local dir="$1" signal="$2" pid i
    _mariadb_alive "$dir" || return 0
    pid="$(cat "$dir/mariadbd.pid")"
    # The pid alone for a server started as no group's leader (by an older copy of this script).
    kill "-$signal" -- "-$pid" 2>/dev/null || kill "-$signal" "$pid" 2>/dev/null || true
    for ((i = 0; i < 600; i++)); do
        _mariadb_alive "$dir" || return 0
        sleep 0.05
    done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        _mariadb_alive "$dir" || return 0
        sleep 0.05
    done
    echo "mariadbd $pid of $dir does not stop" >&2
    return 1
}

# Servers of runs that were killed before their cleanup: their owner is gone.
_mariadb_reap() {
    local base dir owner started
    for base in "$(_mariadb_base)" /dev/shm "${TMPDIR:-/tmp}"; do
        for dir in "$base/$_mariadb_prefix"*; do
            if [ ! -d "$dir" ] || [ ! -O "$dir" ]; then
                continue
            fi
            owner="" started=""
            read -r owner started 2>/dev/null <"$dir/owner" || true
            if [ -n "$owner" ] && [ "$(_mariadb_started "$owner")" = "$started" ]; then
                continue
            fi
            _mariadb_halt "$dir" KILL || continue
            rm -rf "$dir"
        done
    done
}

# A loopback port nobody listens on, below Linux's range of outgoing ports. Another process may
# take it before the server does: the start then tries another one.
_mariadb_free_port() {
    local port i
    for ((i = 0; i < 100; i++)); do
        port=$((10000 + RANDOM % 22000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    echo "no free loopback port found" >&2
    return 1
}

# Starts the server of MINDBOX_MARIADB_DIR on MINDBOX_MARIADB_PORT and waits until the user
# `mindbox` can log in. Returns 2 when the port was taken.
_mariadb_launch() {
    local dir="$MINDBOX_MARIADB_DIR" port="$MINDBOX_MARIADB_PORT" opts i
    mapfile -t opts < <(_mariadb_opts "$dir")
    : >"$dir/error.log"
    # A process group of its own (setsid, whose pid is the server's: a background job is no group
    # leader), stopped as a group; Ctrl-C reaches the tests, not the server, and the trap stops it.
    setsid mariadbd "${opts[@]}" --socket="$dir/mysqld.sock" --port="$port" \
        --bind-address=127.0.0.1 --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" \
        --init-file="$dir/init.sql" </dev/null >>"$dir/error.log" 2>&1 &
    echo "$!" >"$dir/mariadbd.pid"
    # Stopped by its pid, not as a job: no "Killed" notice when a test crashes it on purpose.
    disown "$!"
    for ((i = 0; i < 600; i++)); do
        if ! _mariadb_alive "$dir"; then
            grep -q 'Address already in use' "$dir/error.log" && return 2
            echo "mariadbd stopped while starting:" >&2
            tail -n 20 "$dir/error.log" >&2
            return 1
        fi
        if mariadb --defaults-file="$dir/client.cnf" -e 'SELECT 1' >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.05
    done
    echo "mariadbd did not answer within 30 s:" >&2
    tail -n 20 "$dir/error.log" >&2
    _mariadb_halt "$dir" KILL
    return 1
}

mariadb_start() {
    ensure_packages mariadb-server
    _mariadb_reap
    local dir password opts tries status
    dir="$(mktemp -d "$(_mariadb_base)/${_mariadb_prefix}XXXXXX")" || return 1
    export MINDBOX_MARIADB_DIR="$dir"
    echo "$$ $(_mariadb_started $$)" >"$dir/owner"
    password="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
    mapfile -t opts < <(_mariadb_opts "$dir")
    if ! mariadb-install-db "${opts[@]}" --auth-root-authentication-method=socket \
        --skip-test-db >"$dir/install.log" 2>&1; then
        echo "mariadb-install-db failed:" >&2
        tail -n 20 "$dir/install.log" >&2
        return 1
    fi
    # Read at every start, so the user also survives a restart; with --skip-name-resolve a TCP
    # client is 127.0.0.1 and a socket client localhost. Databases named mindbox_test* are the
    # user's, so a test may make one of its own.
    cat >"$dir/init.sql" <<SQL
CREATE DATABASE IF NOT EXISTS mindbox_test;
CREATE USER IF NOT EXISTS 'mindbox'@'127.0.0.1' IDENTIFIED BY '$password';
CREATE USER IF NOT EXISTS 'mindbox'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON \`mindbox\\_test%\`.* TO 'mindbox'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`mindbox\\_test%\`.* TO 'mindbox'@'localhost';
SQL
    for ((tries = 0; ; tries++)); do
        MINDBOX_MARIADB_PORT="$(_mariadb_free_port)" || return 1
        export MINDBOX_MARIADB_PORT
        cat >"$dir/client.cnf" <<CNF
[client]
user=mindbox
password=$password
host=127.0.0.1
port=$MINDBOX_MARIADB_PORT
protocol=tcp
database=mindbox_test
CNF
        status=0
        _mariadb_launch || status=$?
        [ "$status" -eq 2 ] && [ "$tries" -lt 5 ] && continue
        [ "$status" -eq 0 ] || return 1
        break
    done
    export MINDBOX_TEST_MYSQL_URL="mysql://mindbox:$password@127.0.0.1:$MINDBOX_MARIADB_PORT/mindbox_test"
    export MINDBOX_TEST_MYSQL_SOCKET_URL="mysql://mindbox:$password@localhost/mindbox_test?socket=$dir/mysqld.sock"
}

# The same server again, with its data, port and socket: `kill` stops it as a crash would.
mariadb_restart() {
    local signal=TERM
    [ "${1:-}" != kill ] || signal=KILL
    [ -n "${MINDBOX_MARIADB_DIR:-}" ] || { echo "no MariaDB started" >&2; return 1; }
    _mariadb_halt "$MINDBOX_MARIADB_DIR" "$signal" || return 1
    _mariadb_launch
}

mariadb_client() {
    mariadb --no-defaults --socket="$MINDBOX_MARIADB_DIR/mysqld.sock" --user=root "$@"
}

mariadb_stop() {
    local dir="${MINDBOX_MARIADB_DIR:-}"
    [ -n "$dir" ] || return 0
    _mariadb_halt "$dir" TERM || _mariadb_halt "$dir" KILL || true
    rm -rf "$dir"
    unset MINDBOX_MARIADB_DIR MINDBOX_MARIADB_PORT MINDBOX_TEST_MYSQL_URL MINDBOX_TEST_MYSQL_SOCKET_URL
}
