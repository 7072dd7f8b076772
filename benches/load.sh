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
# Each prints requests per second, p50/p99/max latency, non-200 answers and the number
# of smoke runs the server executed (from its /metrics route).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-10}"
connections="${2:-64}"

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
trap stop_server EXIT

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

run() { # scenario connections metrics?
    start_server "$1"
    local metrics=""
    if [ "$1" != bare ]; then metrics="$addr/smoketest/metrics"; fi
    printf '%-5s connections=%-3s ' "$1" "$2"
    "$bin" drive "$addr/smoketest" "$2" "$seconds" $metrics
    stop_server
}

echo "cores: $(nproc), ${seconds}s per scenario, $(rustc --version)"
run bare 1
run noop 1
run bare "$connections"
run noop "$connections"
run wait 200
