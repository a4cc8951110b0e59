# Helpers for the benchmarks that drive the release server over HTTP (sourced after env.sh).

# bench_server DATABASE_URL LOG [VAR=VALUE…]: starts $SERVER_BIN on a free port with the bench
# administrator, waits until it answers; sets BENCH_PID and BENCH_BASE.
bench_server() {
    local database=$1 log=$2 port
    shift 2
    port=$(eu_free_port)
    env LEPTOS_SITE_ADDR="127.0.0.1:$port" DATABASE_URL="$database" \
        ADMIN_EMAIL=admin@bench.test ADMIN_PASSWORD=bench-admin-password RUST_LOG=error "$@" \
        "$SERVER_BIN" >"$log" 2>&1 &
    BENCH_PID=$!
    BENCH_BASE="http://127.0.0.1:$port"
    for _ in $(seq 100); do curl -sf "$BENCH_BASE/login" >/dev/null && break; sleep 0.1; done
}

# bench_seed BASE COOKIES USERS: signs the administrator in (cookies kept in COOKIES), creates an
# application with USERS experience users user{N}@bench.test / bench-password; prints its id.
bench_seed() {
    local base=$1 cookies=$2 users=$3 app
    curl -sf -c "$cookies" -H 'Accept: application/json' \
        --data-urlencode email=admin@bench.test --data-urlencode password=bench-admin-password "$base/api/login" >/dev/null
    app=$(curl -sf -b "$cookies" -H 'Accept: application/json' --data-urlencode name=Bench "$base/api/applications/create" | tr -d '"')
    seq 0 $((users - 1)) | xargs -P 4 -I{} curl -sf -b "$cookies" -H 'Accept: application/json' \
        --data-urlencode "application_id=$app" --data-urlencode "email=user{}@bench.test" \
        --data-urlencode password=bench-password --data-urlencode first_name= --data-urlencode last_name= \
        -o /dev/null "$base/api/users/create"
    echo "$app"
}

# bench_token BASE APP: an experience token of user0@bench.test.
bench_token() {
    curl -sf -H 'Content-Type: application/json' \
        -d '{"email":"user0@bench.test","password":"bench-password"}' "$1/api/experience/$2/auth" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

# bench_wrk: wrk from Debian's package, installed on first use.
bench_wrk() {
    command -v wrk >/dev/null 2>&1 && return
    local sudo=
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
}
