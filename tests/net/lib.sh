# Shared by the network tests (tests/e2e/test_net_*.sh): servers started on
# 127.0.0.1 for the test, waited for with bounded loops and always stopped
# by their PID. Source it after tests/e2e/lib.sh, which sets `SRC` and `tmp` (a
# scratch folder) and calls net_stop_all at exit.

# Loopback only: no proxy from the environment may see these requests.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

net_pids=()
net_python=""
for p in /usr/bin/python3 python3; do # the system one starts fastest
    if command -v "$p" >/dev/null 2>&1; then
        net_python=$(command -v "$p")
        break
    fi
done

net_stop_all() {
    local pid
    for pid in "${net_pids[@]}"; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    net_pids=()
}

# Wait (at most ~10 s) for a file to appear; 0 when it did.
net_wait_file() {
    local i
    for i in $(seq 1 200); do
        [ -s "$1" ] && return 0
        sleep 0.05
    done
    return 1
}

# net_http NAME DIR [CERT KEY]: start (NET_BEARER: the token /secure/ asks for;
# NET_DIGEST_PASSWORD: the password /digest/ asks for) tests/net/server.py serving DIR; sets
# NAME_port and NAME_pid. Returns non-zero when it did not come up.
net_http() {
    local name=$1 dir=$2 cert=${3:-} key=${4:-} pf="$tmp/$1.port"
    local extra=()
    [ -n "$cert" ] && extra=(--cert "$cert" --key "$key")
    [ -n "${NET_BEARER:-}" ] && extra+=(--bearer "$NET_BEARER")
    [ -n "${NET_DIGEST_PASSWORD:-}" ] && extra+=(--digest-password "$NET_DIGEST_PASSWORD")
    rm -f "$pf"
    "$net_python" "$SRC/tests/net/server.py" --dir "$dir" --port-file "$pf" \
        --log "$tmp/$name.log" "${extra[@]}" >"$tmp/$name.out" 2>&1 &
    local pid=$!
    net_pids+=("$pid")
    net_wait_file "$pf" || { echo "server $name did not start:"; cat "$tmp/$name.out"; return 1; }
    printf -v "${name}_port" '%s' "$(tr -d '[:space:]' <"$pf")"
    printf -v "${name}_pid" '%s' "$pid"
}

# A port nobody listens on: one the kernel just handed out and we closed.
net_closed_port() {
    "$net_python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# net_radicale NAME USERS_FILE: Debian's Radicale with htpasswd (plain) auth
# and a temp storage folder; sets NAME_port and NAME_pid.
net_radicale() {
    local name=$1 users=$2 port i
    port=$(net_closed_port)
    mkdir -p "$tmp/$name-storage"
    cat >"$tmp/$name.conf" <<CONF
[server]
hosts = 127.0.0.1:$port
[auth]
type = htpasswd
htpasswd_filename = $users
htpasswd_encryption = plain
[rights]
type = owner_only
[storage]
filesystem_folder = $tmp/$name-storage
[logging]
level = warning
CONF
    /usr/bin/radicale -C "$tmp/$name.conf" >"$tmp/$name.out" 2>&1 &
    local pid=$!
    net_pids+=("$pid")
    for i in $(seq 1 200); do
        if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then
            printf -v "${name}_port" '%s' "$port"
            printf -v "${name}_pid" '%s' "$pid"
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    echo "radicale $name did not start:"
    cat "$tmp/$name.out"
    return 1
}
