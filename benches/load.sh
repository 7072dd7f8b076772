#!/usr/bin/env bash
# Load benchmark of the smoke endpoint over loopback, in release mode.
#
#   benches/load.sh [SECONDS] [CONNECTIONS]      (defaults: 10 s, 64 connections)
#
# 1. `bare`: a bare axum handler that returns the bytes of a 100-test report;
# 2. `noop`: the endpoint running 100 no-op smoke tests (no cache): with one connection
#    every request is a run; with many, requests that arrive during a run share it;
# 3. `wait`: the endpoint with 20 smoke tests that each wait 50 ms, under 200 concurrent
#    connections: single-flight makes concurrent requests share one run.
# 4. `django`: django-smoketest's view with the same 100 no-op tests (as JSON), under
#    gunicorn with one worker (one thread, keep-alive), at one connection. Django,
#    django-smoketest and gunicorn are installed from PyPI into a temporary virtualenv
#    (benches/django_project.py writes the project); LOAD_DJANGO=0 leaves it out.
# Each prints requests per second, p50/p99/max latency, non-200 answers and the number
# of smoke runs the server executed (from its /metrics route). Every request asks for
# JSON. Last, the requests per second at one connection side by side, with the ratios
# smoke/bare and smoke/django.
#
# smoke/bare at one connection comes from LOAD_ROUNDS (default 8) rounds of
# LOAD_ROUND_SECONDS (default 3) each, `bare` then `noop`, alternating: the median of the
# rounds' ratios. One long run of each is not enough on a virtual machine: a request at
# one connection is mostly threads waking each other, and waking a thread on an idle
# virtual CPU costs tens of microseconds, more or less with whatever else the host runs
# (on the 2-core machine these figures come from, the bare handler served 10,000 to
# 13,000 requests a second from one minute to the next, and 38,000 with a process
# yielding in a loop on the other core, which keeps that core awake). Rounds that
# alternate put both servers under the same drift.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-10}"
connections="${2:-64}"
rounds="${LOAD_ROUNDS:-8}"
round_seconds="${LOAD_ROUND_SECONDS:-3}"

cargo build --release -p smoke-tests --example http_load >&2
bin="${CARGO_TARGET_DIR:-target}/release/examples/http_load"

server_pid=""
stop_server() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}

# Starts `http_load serve $1` and sets $addr to where it listens.
start_server() {
    local out
    out="$(mktemp)"
    "$bin" serve "$1" >"$out" &
    server_pid=$!
    for _ in $(seq 1 100); do
        if grep -q '^listening on ' "$out"; then break; fi
        sleep 0.05
    done
    addr="$(sed -n 's/^listening on //p' "$out")"
    rm -f "$out"
    [ -n "$addr" ] || { echo "the $1 server did not start" >&2; exit 1; }
}

work="$(mktemp -d)"
trap 'stop_server; rm -rf "$work"' EXIT

run() { # scenario connections metrics?
    start_server "$1"
    local metrics=""
    if [ "$1" != bare ]; then metrics="$addr/smoketest/metrics"; fi
    printf '%-6s connections=%-3s ' "$1" "$2"
    "$bin" drive "$addr/smoketest" "$2" "$seconds" $metrics | tee "$work/$1-$2"
    stop_server
}

# django-smoketest under gunicorn (one worker), at one connection.
run_django() {
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install --quiet --disable-pip-version-check \
        django django-smoketest gunicorn >&2
    python3 benches/django_project.py make "$work/project"
    BENCH_APPS=noop_sync_100 "$work/venv/bin/gunicorn" --chdir "$work/project" \
        --workers 1 --worker-class gthread --threads 1 --keep-alive 60 \
        --bind 127.0.0.1:0 wsgi:application 2>"$work/gunicorn.log" &
    server_pid=$!
    for _ in $(seq 1 200); do
        if grep -q 'Listening at: ' "$work/gunicorn.log"; then break; fi
        sleep 0.05
    done
    addr="$(sed -n 's/.*Listening at: \(http:[^ ]*\).*/\1/p' "$work/gunicorn.log")"
    [ -n "$addr" ] || { cat "$work/gunicorn.log" >&2; echo "gunicorn did not start" >&2; exit 1; }
    printf '%-6s connections=%-3s ' django 1
    "$bin" drive "$addr/smoketest/" 1 "$seconds" | tee "$work/django-1"
    stop_server
}

rps() { sed -n 's/.* rps=\([0-9]*\).*/\1/p' "$work/$1" 2>/dev/null; }

# Alternating rounds of `bare` and `noop` at one connection: each round's requests per
# second in $work/rounds, as `bare noop`.
run_rounds() {
    local r b n
    : >"$work/rounds"
    for r in $(seq 1 "$rounds"); do
        for scenario in bare noop; do
            start_server "$scenario"
            "$bin" drive "$addr/smoketest" 1 "$round_seconds" >"$work/round"
            stop_server
            if [ "$scenario" = bare ]; then b="$(rps round)"; else n="$(rps round)"; fi
        done
        echo "$b $n" >>"$work/rounds"
        printf 'round %-2s bare %6s  noop %6s  smoke/bare %s\n' "$r" "$b" "$n" \
            "$(awk -v n="$n" -v b="$b" 'BEGIN { printf "%.3f", n / b }')"
    done
}

echo "cores: $(nproc), ${seconds}s per scenario, $(rustc --version)"
echo "one connection: $rounds alternating rounds of ${round_seconds}s, bare then noop"
run_rounds
run bare 1
run noop 1
run bare "$connections"
run noop "$connections"
run wait 200
if [ "${LOAD_DJANGO:-1}" != 0 ]; then run_django; fi

echo
echo "one connection, JSON, 100 no-op tests: requests per second"
noop="$(rps noop-1)" bare="$(rps bare-1)" django="$(rps django-1)"
printf '  smoke endpoint %8s\n  bare axum      %8s\n  django-smoketest (gunicorn, 1 worker) %s\n' \
    "$noop" "$bare" "${django:--}"
awk -v n="$noop" -v d="$django" 'BEGIN { if (d != "") printf "  smoke/django %.2f\n", n / d }'
# The median of the alternating rounds' ratios, and the means over those rounds.
awk '{ printf "%.6f\n", $2 / $1 }' "$work/rounds" | sort -g >"$work/ratios"
median="$(awk '{ r[NR] = $1 } END { print (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2 }' "$work/ratios")"
awk -v m="$median" '{ b += $1; n += $2 }
    END {
        printf "  smoke/bare   %.3f (median of %d alternating rounds; means: noop %d, bare %d)\n",
            m, NR, n / NR, b / NR
    }' "$work/rounds"
