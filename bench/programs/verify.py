#!/usr/bin/env python3
"""Checks the built benchmark programs against bench/programs/manifest.json.

Run by bench/build.sh from the repository root after everything is built.

For every manifest entry it checks:
  1. the module's interface, by parsing the binary here: no import section,
     an exported function `run` of type (i32) -> i64, and `memory` exported if
     the module has one;
  2. the expected checksums at the quick and the full size, by a route that
     does not run the .wasm at all:
       - layers "c", "simd" and "tail-call": the native build of the same C
         source (target/bench/native/NAME N);
       - layer "micro": the C reference models of the WAT programs
         (target/bench/native/wat-reference NAME N);
     and, for a SIMD build (an entry with `scalar`), that its scalar build has
     the same sizes and checksums;
  3. the .wasm file itself, in wabt's reference interpreter `wasm-interp`
     (SIMD is on by default in wabt 1.0.32). wasm-interp can only call exports that take no arguments, so a copy of
     the module gets more exports, `verify0`, ..., that call run(N)
     (wasm2wat, append the function, wat2wasm). The quick size always, called
     twice in the same instance (run must be stateless); the full size too
     unless --quick-only (the full sizes take a few minutes).

With --bless, the checksums from step 2 are written into the manifest
instead of being compared (for new programs or changed sizes); step 3 then
checks the .wasm files against them.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

MANIFEST = "bench/programs/manifest.json"
NATIVE_DIR = "target/bench/native"
REFERENCE = os.path.join(NATIVE_DIR, "wat-reference")
LAYERS = ("micro", "c", "simd", "tail-call", "wasm3")


def leb_u32(data, pos):
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def check_interface(path):
    """Returns a list of problems with the module's imports and exports."""
    data = open(path, "rb").read()
    if data[:8] != b"\0asm\1\0\0\0":
        return ["not a Wasm 1.0 binary"]
    problems = []
    types, func_types, exports, has_memory = [], [], {}, False
    pos = 8
    while pos < len(data):
        section_id = data[pos]
        size, pos = leb_u32(data, pos + 1)
        body, end = pos, pos + size
        if section_id == 1:  # types
            count, p = leb_u32(data, body)
            for _ in range(count):
                if data[p] != 0x60:
                    return problems + ["unexpected type form 0x%02x" % data[p]]
                nparams, p = leb_u32(data, p + 1)
                params = tuple(data[p : p + nparams])
                p += nparams
                nresults, p = leb_u32(data, p)
                results = tuple(data[p : p + nresults])
                p += nresults
                types.append((params, results))
        elif section_id == 2:
            count, _ = leb_u32(data, body)
            problems.append("has an import section (%d imports)" % count)
        elif section_id == 3:  # functions
            count, p = leb_u32(data, body)
            for _ in range(count):
                index, p = leb_u32(data, p)
                func_types.append(index)
        elif section_id == 5:  # memories
            count, _ = leb_u32(data, body)
            has_memory = count > 0
        elif section_id == 7:  # exports
            count, p = leb_u32(data, body)
            for _ in range(count):
                length, p = leb_u32(data, p)
                name = data[p : p + length].decode()
                kind = data[p + length]
                index, p = leb_u32(data, p + length + 1)
                exports[name] = (kind, index)
        pos = end
    I32, I64 = 0x7F, 0x7E
    run = exports.get("run")
    if run is None or run[0] != 0:
        problems.append("no exported function `run`")
    elif run[1] >= len(func_types) or types[func_types[run[1]]] != ((I32,), (I64,)):
        problems.append("`run` is not of type (i32) -> i64")
    if has_memory and exports.get("memory", (None,))[0] != 2:
        problems.append("has a memory but does not export it as `memory`")
    return problems


def run_checked(args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def native_checksum(entry, n):
    if entry["layer"] == "micro":
        return run_checked([REFERENCE, entry["name"], str(n)]).split()[0]
    binary = os.path.join(NATIVE_DIR, entry.get("native", entry["name"]))
    return run_checked([binary, str(n)]).split()[0]


def wasm_interp_checksums(wasm, n, features, tmp, calls):
    """run(n) of the module `wasm`, computed by wabt's wasm-interp, `calls`
    times in a row in the same instance (to check that run is stateless)."""
    flags = ["--enable-tail-call"] if "tail-call" in features else []
    text = run_checked(["wasm2wat", *flags, wasm])
    match = re.search(r'\(export "run" \(func (\S+?)\)\)', text)
    if match is None:
        raise RuntimeError("cannot find the export of `run` in wasm2wat output")
    text = text.rstrip()
    assert text.endswith(")")
    wrappers = "".join(
        '\n  (func (export "verify%d") (result i64) (call %s (i32.const %d)))' % (i, match.group(1), n)
        for i in range(calls)
    )
    text = text[:-1] + wrappers + ")\n"
    wat = os.path.join(tmp, "verify.wat")
    binary = os.path.join(tmp, "verify.wasm")
    with open(wat, "w") as f:
        f.write(text)
    run_checked(["wat2wasm", *flags, wat, "-o", binary])
    out = run_checked(["wasm-interp", *flags, binary, "--run-all-exports"])
    values = [int(v) for v in re.findall(r"^verify\d+\(\) => i64:(\d+)$", out, re.M)]
    if len(values) != calls:
        raise RuntimeError("unexpected wasm-interp output: " + out)
    # printed as unsigned
    return [str(v - (1 << 64) if v >= 1 << 63 else v) for v in values]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bless", action="store_true", help="write the expected checksums into the manifest")
    parser.add_argument("--quick-only", action="store_true", help="run the .wasm files at the quick size only")
    parser.add_argument("names", nargs="*", help="only these programs")
    args = parser.parse_args()

    with open(MANIFEST) as f:
        manifest = json.load(f)
    failures = []
    names = set()
    for entry in manifest:
        name = entry["name"]
        if name in names:
            failures.append("%s: listed twice" % name)
        names.add(name)
        if args.names and name not in args.names:
            continue
        wasm = os.path.join("bench", entry["wasm"])
        if entry["layer"] == "wasm3":
            # Exceptions and GC: wabt can neither encode nor run them, and there is no
            # native build. The harness compares Gannet's checksums with Wasmtime's.
            print("%-14s %-9s not checked here: compare Gannet and Wasmtime in the harness" % (name, entry["layer"]))
            continue
        problems = []
        if entry["layer"] not in LAYERS:
            problems.append("unknown layer %r" % entry["layer"])
        if (entry["layer"] == "tail-call") != ("native" in entry):
            problems.append("`native` must be given exactly for the tail-call layer")
        scalar = None
        if "scalar" in entry:
            # a SIMD build: its scalar build is built from the same source and gives the same checksums
            scalar = next((e for e in manifest if e["name"] == entry["scalar"] and "scalar" not in e), None)
            if "simd" not in entry["features"]:
                problems.append("`scalar` is given but `features` has no `simd`")
            if scalar is None:
                problems.append("`scalar` names no other entry: %r" % entry["scalar"])
            elif any(scalar[size] != entry[size] for size in ("quick", "full")):
                problems.append("not the same sizes as its scalar build %s" % scalar["name"])
        problems += check_interface(wasm)
        sizes = ("quick", "full")
        computed = {size: native_checksum(entry, entry[size]) for size in sizes}
        if args.bless:
            entry["expect"] = computed
        for size in sizes:
            if computed[size] != entry["expect"][size]:
                problems.append(
                    "%s (n=%d): expected %s, native/reference gives %s"
                    % (size, entry[size], entry["expect"][size], computed[size])
                )
            if scalar is not None and scalar["expect"][size] != entry["expect"][size]:
                problems.append("%s: not the same checksum as its scalar build %s" % (size, scalar["name"]))
        with tempfile.TemporaryDirectory() as tmp:
            for size in sizes[:1] if args.quick_only else sizes:
                # twice at the quick size: the second call must not see state left by the first
                calls = 2 if size == "quick" else 1
                for got in wasm_interp_checksums(wasm, entry[size], entry["features"], tmp, calls):
                    if got != entry["expect"][size]:
                        problems.append(
                            "%s (n=%d): expected %s, wasm-interp gives %s"
                            % (size, entry[size], entry["expect"][size], got)
                        )
        status = "ok" if not problems else "FAILED"
        print("%-14s %-9s quick=%-9d full=%-9d %s" % (name, entry["layer"], entry["quick"], entry["full"], status))
        for problem in problems:
            print("    " + problem)
            failures.append("%s: %s" % (name, problem))
    built = {f[: -len(".wasm")] for f in os.listdir("bench/wasm") if f.endswith(".wasm")}
    for name in sorted(built - names):
        failures.append("bench/wasm/%s.wasm is not in the manifest" % name)
    if args.bless:
        with open(MANIFEST, "w") as f:
            f.write(format_manifest(manifest))
    if failures:
        print("%d problem(s):" % len(failures))
        for failure in failures:
            print("  " + failure)
        return 1
    print("all %d programs verified" % len(manifest))
    return 0


def format_manifest(manifest):
    """One object per entry, keys in a fixed order, stable for diffs."""
    order = ["name", "layer", "wasm", "quick", "full", "expect", "features", "scalar", "native"]
    lines = []
    for entry in manifest:
        keys = order + sorted(k for k in entry if k not in order)
        fields = ['"%s": %s' % (k, json.dumps(entry[k])) for k in keys if k in entry]
        lines.append("  { " + ", ".join(fields) + " }")
    return "[\n" + ",\n".join(lines) + "\n]\n"


if __name__ == "__main__":
    sys.exit(main())
