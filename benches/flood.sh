#!/usr/bin/env bash
# How many smoke runs a flood of anonymous requests causes, over loopback, in release mode.
#
#   benches/flood.sh [SECONDS] [CONNECTIONS]      (defaults: 10 s, 16 connections)
#
# The endpoint exposes 100 no-op smoke tests and takes requests without a token, as a
# monitor or an attacker on the network would send them, back to back on CONNECTIONS
# keep-alive connections:
# 1. `flood`: the builder's defaults, where callers without the token make a selection
#    run at most once per `min_interval` (1 s) and get the latest result in between;
# 2. `noop`: the same endpoint with `min_interval(Duration::ZERO)`, the bound off: every
#    request that does not join a run in flight starts one.
# Each prints requests per second, latencies, non-200 answers, and the smoke runs the
# server executed (from its /metrics route), in all and per second.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-10}"
connections="${2:-16}"

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

run() { # scenario
    local out
    out="$(mktemp)"
    "$bin" serve "$1" >"$out" &
    server_pid=$!
    for _ in $(seq 1 100); do
        if grep -q '^listening on ' "$out"; then break; fi
        sleep 0.05
    done
    local addr
    addr="$(sed -n 's/^listening on //p' "$out")"
    rm -f "$out"
    [ -n "$addr" ] || { echo "the $1 server did not start" >&2; exit 1; }
    printf '%-5s connections=%-3s ' "$1" "$connections"
    "$bin" drive "$addr/smoketest" "$connections" "$seconds" "$addr/smoketest/metrics"
    stop_server
}

echo "cores: $(nproc), ${seconds}s per scenario, $(rustc --version)"
run flood
run noop
