#!/usr/bin/env bash
# Runs one fuzz target for a while: fuzz/run.sh TARGET [SECONDS] [extra libFuzzer flags].
# Needs a nightly toolchain; installs cargo-fuzz if it is missing. New inputs go to a
# scratch corpus (fuzz/corpus/TARGET holds the small checked-in seed corpus).
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/run.sh TARGET [SECONDS]}
seconds=${2:-600}
shift $(( $# >= 2 ? 2 : 1 ))
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
mkdir -p "corpus/$target" "scratch/$target"
exec cargo +nightly fuzz run "$target" "scratch/$target" "corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 "$@"
