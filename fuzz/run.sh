#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 600), one after the other, starting
# from the committed seed corpus; new inputs go to fuzz/target/corpus/, findings to
# fuzz/artifacts/. Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly compiler,
# or RUSTC_BOOTSTRAP=1 on a stable one, which this script sets.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(query accept token redact duration)
fi
export RUSTC_BOOTSTRAP=1
for target in "${targets[@]}"; do
    mkdir -p "target/corpus/$target"
    echo "== $target, ${seconds}s"
    cargo fuzz run "$target" "target/corpus/$target" "corpus/$target" -- \
        -max_total_time="$seconds" -print_final_stats=1 2>&1 |
        grep -E '^(#[0-9]+.*DONE|Done|stat::number_of_executed_units|stat::new_units_added|INFO: seed corpus|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written)' || true
done
