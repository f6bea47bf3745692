#!/usr/bin/env bash
# Builds the benchmark programs and checks them.
#
#   bench/build.sh [--quick-only] [--bless] [--no-verify]
#
#   bench/programs/wat/*.wat  -> bench/wasm/NAME.wasm        (wat2wasm)
#   bench/programs/c/*.c      -> bench/wasm/NAME.wasm        (clang-19 --target=wasm32-wasi -O2)
#                             -> target/bench/native/NAME    (clang-19 -O2, with bench/programs/driver.c)
#   the C programs listed in SIMD_PROGRAMS (in this script), again with -msimd128:
#                             -> bench/wasm/NAME_simd.wasm, target/bench/native/NAME_simd
#   bench/programs/vm/vm_*.c  -> the same (vm_tail.c with -mtail-call)
#   bench/programs/wat/reference.c -> target/bench/native/wat-reference
#
# The .wasm files are committed; rebuilding them with the same Debian
# packages reproduces them byte for byte. No module may import anything; the
# SIMD builds must contain SIMD instructions and the others none (counted in
# `wasm-objdump -d`). Then bench/programs/verify.py checks every module's
# interface and its checksums against bench/programs/manifest.json (its
# docstring tells how):
#   --quick-only  run the .wasm files in wasm-interp at the quick size only
#   --bless       write the native/reference checksums into the manifest
#   --no-verify   build only
#
# Native binaries: `target/bench/native/NAME N` prints "<checksum> <ns>", the
# checksum of run(N) and the wall time of that call (CLOCK_MONOTONIC).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
PROGRAMS=bench/programs
WASM_OUT=bench/wasm
NATIVE_OUT=target/bench/native

VERIFY=1
VERIFY_ARGS=()
for arg in "$@"; do
    case "$arg" in
    --quick-only | --bless) VERIFY_ARGS+=("$arg") ;;
    --no-verify) VERIFY=0 ;;
    -h | --help)
        sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "build.sh: unknown argument $arg" >&2
        exit 2
        ;;
    esac
done

CLANG=clang-19
WASI_INCLUDE=/usr/include/wasm32-wasi
RT_BUILTINS=/usr/lib/llvm-19/lib/clang/19/lib/wasi/libclang_rt.builtins-wasm32.a

# ---- tools -----------------------------------------------------------------
need_install=()
command -v "$CLANG" >/dev/null || need_install+=(clang-19)
command -v wasm-ld-19 >/dev/null || need_install+=(lld-19)
[ -d "$WASI_INCLUDE" ] || need_install+=(wasi-libc)
[ -f "$RT_BUILTINS" ] || need_install+=(libclang-rt-19-dev-wasm32)
for tool in wat2wasm wasm2wat wasm-objdump wasm-interp; do
    command -v "$tool" >/dev/null || { need_install+=(wabt); break; }
done
command -v wasm-opt >/dev/null || need_install+=(binaryen)
command -v python3 >/dev/null || need_install+=(python3)
if [ ${#need_install[@]} -gt 0 ]; then
    echo "installing: ${need_install[*]}"
    SUDO=
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q clang-19 lld-19 wasi-libc \
        libclang-rt-19-dev-wasm32 wabt binaryen python3
fi

mkdir -p "$WASM_OUT" "$NATIVE_OUT"

# Same flags for every C build. -ffp-contract=off keeps native float results
# equal to Wasm's (no fused multiply-add on targets that have it).
CFLAGS=(-O2 -std=c2x -ffp-contract=off -Wall -Wextra)
WASM_FLAGS=(--target=wasm32-wasi -nostartfiles
    -Wl,--no-entry -Wl,--export=run -Wl,--strip-debug)

# C programs that also get a SIMD build, bench/programs/c/NAME.c -> NAME_simd
# with -msimd128 (clang's loop vectoriser then emits wasm SIMD). Without the
# flag, NAME is the scalar build. NAME_simd's native binary is the same
# program as NAME's, under the name verify.py looks for.
SIMD_PROGRAMS=(gemm_i8 blur)

build_c() { # NAME SOURCE [EXTRA_WASM_FLAGS...]
    local name=$1 source=$2
    shift 2
    echo "  $name"
    "$CLANG" "${CFLAGS[@]}" "${WASM_FLAGS[@]}" "$@" -o "$WASM_OUT/$name.wasm" "$source"
    "$CLANG" "${CFLAGS[@]}" -o "$NATIVE_OUT/$name" "$PROGRAMS/driver.c" "$source" -lm
}

echo "WAT programs:"
for source in "$PROGRAMS"/wat/*.wat; do
    name=$(basename "$source" .wat)
    echo "  $name"
    wat2wasm "$source" -o "$WASM_OUT/$name.wasm"
done
"$CLANG" "${CFLAGS[@]}" -o "$NATIVE_OUT/wat-reference" "$PROGRAMS/wat/reference.c" -lm

echo "C programs:"
for source in "$PROGRAMS"/c/*.c; do
    build_c "$(basename "$source" .c)" "$source"
done

echo "SIMD builds of C programs:"
for name in "${SIMD_PROGRAMS[@]}"; do
    build_c "${name}_simd" "$PROGRAMS/c/$name.c" -msimd128
done

echo "VM programs:"
build_c vm_switch "$PROGRAMS/vm/vm_switch.c"
build_c vm_tail "$PROGRAMS/vm/vm_tail.c" -mtail-call

# No module may import anything (wasi-libc's malloc/memcpy link statically).
for wasm in "$WASM_OUT"/*.wasm; do
    if wasm-objdump -x "$wasm" | grep -q '^Import\['; then
        echo "build.sh: $wasm has imports:" >&2
        wasm-objdump -x -j Import "$wasm" >&2
        exit 1
    fi
done
# SIMD instructions in exactly the SIMD builds: a scalar build must have none,
# a SIMD build must have been vectorised.
for wasm in "$WASM_OUT"/*.wasm; do
    name=$(basename "$wasm" .wasm)
    count=$(wasm-objdump -d "$wasm" | grep -cE '\b(v128|[if](8x16|16x8|32x4|64x2))\.' || true)
    case " ${SIMD_PROGRAMS[*]/%/_simd} " in
    *" $name "*)
        echo "  $name: $count SIMD instructions"
        [ "$count" -gt 0 ] || { echo "build.sh: $wasm has no SIMD instructions" >&2; exit 1; }
        ;;
    *)
        [ "$count" -eq 0 ] || { echo "build.sh: $wasm has $count SIMD instructions" >&2; exit 1; }
        ;;
    esac
done
echo "built $(ls "$WASM_OUT"/*.wasm | wc -l) modules in $WASM_OUT, native binaries in $ROOT/$NATIVE_OUT"

if [ "$VERIFY" = 1 ]; then
    echo "verifying checksums:"
    python3 "$PROGRAMS/verify.py" "${VERIFY_ARGS[@]}"
fi
