#!/usr/bin/env bash
# Compile time of 500 tests (half async) written as `#[smoke_test]` against the same
# bodies written as `#[test]` / `#[tokio::test]`, in debug.
#
#   benches/compile-time.sh [TESTS] [REPEATS]      (defaults: 500 tests, 3 rebuilds)
#
# Generates two crates in a temporary workspace (sharing one target directory, so that
# their dependencies are built once), builds each, then times REPEATS rebuilds of the
# crate alone (`touch src/lib.rs`) and prints the median seconds and the ratio:
#
# - `smoke lib`: `cargo build --lib` of the crate with the smoke tests (as a service
#   compiles them, into its library);
# - `smoke test` and `plain test`: `cargo test --no-run --lib` of each crate: both compile
#   the same file and link a test executable, so their ratio compares like with like.
#
# CARGO_INCREMENTAL=0: with incremental compilation a touched, unchanged file is hardly
# recompiled at all, and the figure would not measure the tests' code. The dependencies'
# builds are kept in ${CARGO_TARGET_DIR:-target}/compile-time-bench between runs.
#
# COMPILE_TIME_DIR=dir (a new or empty directory) generates the two crates there and keeps
# them, to profile one build: `cargo test --no-run --lib -p with-smoke -v` there prints
# the rustc command line to run under `-Ztime-passes` (with RUSTC_BOOTSTRAP=1) or
# `valgrind --tool=callgrind --trace-children=yes`.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"

tests="${1:-500}"
repeats="${2:-3}"
target="$(realpath -m "${CARGO_TARGET_DIR:-target}")/compile-time-bench"
if [ -n "${COMPILE_TIME_DIR:-}" ]; then
    # Kept for profiling: a new or empty directory, left in place.
    work="$(realpath -m "$COMPILE_TIME_DIR")"
    mkdir -p "$work"
    if [ -n "$(ls -A "$work")" ]; then
        echo "COMPILE_TIME_DIR=$work is not empty" >&2
        exit 2
    fi
else
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
fi
export CARGO_INCREMENTAL=0 CARGO_TARGET_DIR="$target"

cat >"$work/Cargo.toml" <<TOML
[workspace]
resolver = "2"
members = ["with-smoke", "plain"]
TOML
# The repository's lock file pins the dependencies to the versions it builds with.
cp Cargo.lock "$work/Cargo.lock"

# gen CRATE SYNC_ATTRIBUTE ASYNC_ATTRIBUTE EXTRA_DEPENDENCY
gen() {
    mkdir -p "$work/$1/src"
    cat >"$work/$1/Cargo.toml" <<TOML
[package]
name = "$1"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
tokio = { version = "1", features = ["macros", "rt", "time"] }
$4
TOML
    {
        echo "//! $tests generated tests, half of them async."
        for i in $(seq 0 $((tests - 1))); do
            if [ $((i % 2)) -eq 0 ]; then
                printf '%s\nfn t%04d() {\n    let v = std::hint::black_box(%d) * 2;\n    assert_eq!(v, %d);\n}\n' \
                    "$2" "$i" "$i" $((i * 2))
            else
                printf '%s\nasync fn t%04d() {\n    tokio::task::yield_now().await;\n    let v = std::hint::black_box(%d) * 2;\n    assert_eq!(v, %d);\n}\n' \
                    "$3" "$i" "$i" $((i * 2))
            fi
        done
    } >"$work/$1/src/lib.rs"
}
gen with-smoke '#[smoke_runtime::smoke_test]' '#[smoke_runtime::smoke_test]' \
    "smoke-runtime = { path = \"$repo/smoke-runtime\" }"
gen plain '#[test]' '#[tokio::test]' ''

# time_rebuilds CRATE CARGO_ARGS...: prints the median of $repeats rebuilds, in seconds.
time_rebuilds() {
    local crate="$1"
    shift
    (cd "$work" && cargo "$@" -p "$crate" --quiet) >&2
    local times=()
    for _ in $(seq 1 "$repeats"); do
        touch "$work/$crate/src/lib.rs"
        local start end
        start="$(date +%s.%N)"
        (cd "$work" && cargo "$@" -p "$crate" --quiet) >&2
        end="$(date +%s.%N)"
        times+=("$(echo "$end - $start" | bc)")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'
}

echo "building the dependencies (once; kept in $target)..." >&2
smoke_lib="$(time_rebuilds with-smoke build --lib)"
smoke_test="$(time_rebuilds with-smoke test --no-run --lib)"
plain_test="$(time_rebuilds plain test --no-run --lib)"

echo "cores: $(nproc), $(rustc --version), $tests tests (half async), debug, median of $repeats rebuilds"
printf '%-50s %8s\n' "build" "seconds"
printf '%-50s %8.2f\n' "smoke lib   (#[smoke_test], cargo build --lib)" "$smoke_lib"
printf '%-50s %8.2f\n' "smoke test  (#[smoke_test], cargo test --no-run)" "$smoke_test"
printf '%-50s %8.2f\n' "plain test  (#[test]/#[tokio::test], same)" "$plain_test"
printf 'ratio smoke test / plain test: %.2f\n' "$(echo "$smoke_test / $plain_test" | bc -l)"
printf 'ratio smoke lib / plain test:  %.2f\n' "$(echo "$smoke_lib / $plain_test" | bc -l)"
