#!/usr/bin/env python3
"""wasm3 (through the pywasm3 package) as a gannet-bench worker.

Speaks the same line protocol as `gannet-bench worker` (see bench/src/worker.rs):
loads the module `--load-reps` times (timed: parse + load into a fresh runtime + look up
`run`), then answers `run` with the time of only the call, measured with
time.perf_counter_ns, and `quit` with its peak RSS. wasm3 compiles each function lazily
on its first call; the driver's untimed warm-up call absorbs that, and a compile error
there (any error that is not a `[trap]`) is reported as stage `compile`, which the
driver shows as n/a.

    python3 wasm3_worker.py --wasm prog.wasm --n 100 [--load-reps 3]
"""

import argparse
import json
import sys
import time

PREFIX = "@@ "
# wasm3's value stack, in bytes: generous, so deep recursion is not cut short.
STACK_BYTES = 8 * 1024 * 1024


def emit(obj):
    sys.stdout.write(PREFIX + json.dumps(obj) + "\n")
    sys.stdout.flush()


def status_kb(field):
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def to_i64(value):
    value = int(value) & 0xFFFFFFFFFFFFFFFF
    return value - (1 << 64) if value >= (1 << 63) else value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wasm", required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--load-reps", type=int, default=1)
    # wasm3 always compiles a function on its first call: nothing to switch.
    parser.add_argument("--lazy", action="store_true")
    args = parser.parse_args()
    start_rss = status_kb("VmRSS")

    try:
        import wasm3
    except ImportError as e:
        emit({"event": "error", "stage": "load", "message": f"pywasm3 is not installed ({e}); pip install pywasm3"})
        return 1

    with open(args.wasm, "rb") as f:
        wasm = f.read()

    env = wasm3.Environment()
    load_ns = []
    run = runtime = None
    for _ in range(max(1, args.load_reps)):
        run = runtime = None
        start = time.perf_counter_ns()
        try:
            runtime = env.new_runtime(STACK_BYTES)
            module = env.parse_module(wasm)
            runtime.load(module)
            run = runtime.find_function("run")
        except Exception as e:  # wasm3 reports every failure as a RuntimeError
            emit({"event": "error", "stage": "load", "message": f"{type(e).__name__}: {e}"})
            return 1
        load_ns.append(time.perf_counter_ns() - start)
    emit({"event": "loaded", "load_ns": load_ns, "version": wasm3.M3_VERSION})

    for line in sys.stdin:
        command = line.strip()
        if command == "run":
            start = time.perf_counter_ns()
            try:
                result = run(args.n)
            except Exception as e:
                message = str(e)
                # wasm3 compiles a function when it is first called: an error that is not
                # a trap is its compiler refusing the code, so the module cannot run here.
                stage = "run" if message.startswith("[trap]") else "compile"
                if stage == "compile":
                    message = f"wasm3 could not compile a function on its first call: {message}"
                emit({"event": "error", "stage": stage, "message": message})
                continue
            ns = time.perf_counter_ns() - start
            emit({"event": "ran", "ns": ns, "checksum": str(to_i64(result))})
        elif command in ("quit", ""):
            break
        else:
            emit({"event": "error", "stage": "protocol", "message": f"unknown command `{command}`"})
    emit({"event": "bye", "start_rss_kb": start_rss, "peak_rss_kb": status_kb("VmHWM")})
    return 0


if __name__ == "__main__":
    sys.exit(main())
