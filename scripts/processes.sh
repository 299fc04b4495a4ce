# shellcheck shell=bash
# What a run of a script starts, and what it left running. Every process started after processes_track carries
# MINDBOX_RUN=<this run's token> in its environment, inherited by its children whatever their parent, session or
# process group becomes, and has TMPDIR in a directory of the run's own; a leftover is a process with the token in
# its environment or a file of that directory open (PHP-FPM writes its process titles over its environment).
# Sourced, not run:
#
#   processes_track          # exports the token and TMPDIR; call before starting anything
#   processes_start NAME CMD # starts CMD in the background in a process group of its own; its pid in NAME
#   processes_stop PID       # SIGTERM to that group, SIGKILL to what is left after 5 s; waits until it is gone
#   processes_check          # names what the run left running, ends it and fails; then removes the run's TMPDIR

processes_track() {
    MINDBOX_RUN="$$.$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
    MINDBOX_RUN_TMP="$(mktemp -d "${TMPDIR:-/tmp}/mindbox-run.XXXXXX")" || return 1
    # A /tmp of the run's own, world-writable and sticky like /tmp: tests act as other users in it and count on
    # the outbox's refusal of such a directory.
    chmod 1777 "$MINDBOX_RUN_TMP"
    export MINDBOX_RUN MINDBOX_RUN_TMP TMPDIR="$MINDBOX_RUN_TMP"
}

processes_start() {
    local -n _pid="$1"
    shift
    # A background job of a script is not a group leader, so setsid(1) needs no fork: $! is the group's id.
    setsid "$@" &
    _pid=$!
}

# Whether the process group `pgid` still has a live member (a zombie only waits to be reaped).
_processes_group_alive() {
    local pgid="$1" stat rest
    for stat in /proc/[0-9]*/stat; do
        read -r stat 2>/dev/null <"$stat" || continue
        rest="${stat##*) }"
        read -r -a rest <<<"$rest"
        [ "${rest[2]}" = "$pgid" ] && [ "${rest[0]}" != Z ] && return 0
    done
    return 1
}

processes_stop() {
    local pgid="$1" i
    kill -TERM -- "-$pgid" 2>/dev/null || return 0
    for ((i = 0; i < 50; i++)); do
        _processes_group_alive "$pgid" || break
        sleep 0.1
    done
    kill -KILL -- "-$pgid" 2>/dev/null || true
    wait "$pgid" 2>/dev/null || true
}

# The pids of this run's live processes other than this shell and its ancestors. No command of the scan may run
# while it reads the environments, since a command started for it would carry the token itself: the environments
# are read in bash alone, and find looks at the open files after that. Nothing is looked for without the token
# and the run's own directory, which would match every process of the machine.
_processes_left() {
    local environ pid entry link stat
    local -A left=()
    [[ "$MINDBOX_RUN" == *.* && -d "$MINDBOX_RUN_TMP" && "$MINDBOX_RUN_TMP" == */mindbox-run.* ]] || return 1
    for environ in /proc/[0-9]*/environ; do
        pid="${environ#/proc/}"
        pid="${pid%/environ}"
        while IFS= read -r -d '' entry; do
            if [ "$entry" = "MINDBOX_RUN=$MINDBOX_RUN" ]; then
                left[$pid]=1
                break
            fi
        done 2>/dev/null <"$environ"
    done
    while IFS= read -r link; do
        pid="${link#/proc/}"
        left[${pid%%/*}]=1
    done < <(find /proc/[0-9]*/cwd /proc/[0-9]*/fd -maxdepth 1 -lname "$MINDBOX_RUN_TMP/*" 2>/dev/null)
    for ((pid = $$; pid > 1; pid = ${stat[1]:-0})); do
        unset "left[$pid]"
        read -r stat 2>/dev/null <"/proc/$pid/stat" || break
        read -r -a stat <<<"${stat##*) }"
    done
    [ "${#left[@]}" -eq 0 ] || printf '%s\n' "${!left[@]}"
}

processes_check() {
    local left=() pid i
    [ -n "${MINDBOX_RUN:-}" ] || return 0
    # A process being stopped right now is given a moment to go.
    for ((i = 0; i < 30; i++)); do
        mapfile -t left < <(_processes_left || echo unsafe)
        if [ "${left[*]}" = unsafe ]; then
            echo "processes_check: no token or directory of this run (MINDBOX_RUN, MINDBOX_RUN_TMP): nothing checked" >&2
            return 1
        fi
        [ "${#left[@]}" -eq 0 ] && break
        sleep 0.1
    done
    if [ "${#left[@]}" -gt 0 ]; then
        echo "processes this run started are still running (now killed):" >&2
        for pid in "${left[@]}"; do
            echo "  $pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" >&2
        done
        kill -KILL "${left[@]}" 2>/dev/null || true
    fi
    rm -rf "$MINDBOX_RUN_TMP"
    [ "${#left[@]}" -eq 0 ]
}
