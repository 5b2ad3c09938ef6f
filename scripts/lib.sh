# Shared helpers for scripts/test, scripts/run and scripts/check-compose.
# Source it; it defines functions only and changes no shell options.

# The five executable products, in start order, and their default ports.
# shellcheck disable=SC2034 # used by the scripts that source this file
SWITCHBOARD_PROCESSES=(gateway sender webhook-ingest log-indexer session-manager)

# default_port PROCESS: the port of contract.md.
default_port() {
    case "$1" in
        gateway) echo 8080 ;;
        sender) echo 8081 ;;
        webhook-ingest) echo 8082 ;;
        log-indexer) echo 8083 ;;
        session-manager) echo 8084 ;;
        *) return 1 ;;
    esac
}

say() { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# repo_root: the directory holding Package.swift, whatever the caller's working directory.
repo_root() {
    cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd
}

# require_swift: Swift cannot be installed from the registries this project reaches,
# so its absence is a clear failure rather than an install attempt.
require_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        if [[ -x /opt/swift/usr/bin/swift ]]; then
            export PATH="/opt/swift/usr/bin:$PATH"
        else
            die "swift not found on PATH (expected a Swift 6.3 toolchain, e.g. /opt/swift/usr/bin); install it from swift.org first"
        fi
    fi
}

# ensure_packages PKG...: installs the Debian packages that are not installed yet.
# Runs `apt-get update` once, and only when something is missing.
ensure_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    ((${#missing[@]} == 0)) && return 0

    command -v apt-get >/dev/null 2>&1 ||
        die "missing packages (${missing[*]}) and no apt-get to install them; install them by hand"
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 ||
            die "missing packages (${missing[*]}); run as root or install sudo"
        sudo=(sudo)
    fi
    say "installing ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Debian's own python3 is the one python3-yaml serves; a pyenv or venv python3 earlier
# on PATH may lack yaml.
system_python() {
    if [[ -x /usr/bin/python3 ]]; then echo /usr/bin/python3; else command -v python3; fi
}

# port_busy PORT: true when something accepts connections on 127.0.0.1:PORT.
port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port: prints a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
    local py
    py=$(system_python 2>/dev/null || true)
    if [[ -n "$py" ]]; then
        "$py" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
        return
    fi
    local port
    for _ in $(seq 1 100); do
        port=$((20000 + RANDOM % 40000))
        port_busy "$port" || { echo "$port"; return 0; }
    done
    die "could not find a free TCP port"
}

# detached CMD...: runs CMD in a session of its own (same pid: setsid execs in place, since a
# background job of a script is no process group leader), so that a Ctrl-C on the terminal
# reaches only the script, whose trap then stops its children in order.
detached() {
    if command -v setsid >/dev/null 2>&1; then
        exec setsid "$@"
    fi
    exec "$@"
}

# start_redis PORT DIR [EXTRA ARGS...]: starts redis-server in the background on
# 127.0.0.1:PORT with DIR as its working directory and log, waits until it answers,
# and sets REDIS_PID. Returns 1 (leaving nothing running) if it exits or stays silent.
start_redis() {
    local port="$1" dir="$2"
    shift 2
    mkdir -p "$dir"
    (detached redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" \
        --logfile "$dir/redis.log" --daemonize no "$@") &
    REDIS_PID=$!
    local i
    for i in $(seq 1 100); do
        if ! kill -0 "$REDIS_PID" 2>/dev/null; then
            wait "$REDIS_PID" 2>/dev/null || true
            REDIS_PID=""
            return 1
        fi
        # Answering PING is not enough: another server may hold the port. Ours reports our pid.
        if redis-cli -h 127.0.0.1 -p "$port" info server 2>/dev/null | tr -d '\r' |
            grep -x "process_id:$REDIS_PID" >/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    stop_pid "$REDIS_PID"
    REDIS_PID=""
    return 1
}

# stop_pid PID [NAME]: TERM, wait up to 10 s, then KILL. Quiet when already gone.
stop_pid() {
    local pid="$1" name="${2:-}" i
    [[ -n "$pid" ]] || return 0
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    [[ -n "$name" ]] && say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        warn "${name:-process $pid} did not stop in 10 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
