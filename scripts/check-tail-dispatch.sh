#!/usr/bin/env bash
# On stable Rust, optimised x86-64 builds dispatch by ordinary calls in tail position
# (crates/gannet/build.rs), which rely on LLVM turning each into a jump. This checks the
# machine code of an optimised build: every handler must reach the next one by an
# indirect jump, and none may call it (a call would grow the native stack per
# instruction).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p gannet-cli
objdump -d --no-show-raw-insn -C target/release/gannet | awk '
    function finish() {
        # `exit` and `unreachable` end dispatch: they never jump.
        if (name != "" && !jumps && name !~ /glue::(Exit|Unreachable)>/) {
            print "handler never jumps to the next one:", name; nojump++
        }
        name = ""
    }
    /^[0-9a-f]+ <gannet::exec::glue::/ { finish(); name = $2; handlers++; jumps = 0; next }
    /^$/ { finish() }
    name != "" && /jmp +\*%/ { jumps = 1 }
    name != "" && /call +\*%/ { print "handler calls the next one instead of jumping:", name, $0; bad++ }
    END {
        finish()
        if (handlers < 100) { print "found only " handlers " handlers"; exit 1 }
        if (bad || nojump) exit 1
        print "tail dispatch: all " handlers " handlers jump to the next one"
    }'
