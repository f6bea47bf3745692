//! Worker mode: one process per engine and program. It loads the module (timed), then
//! answers the driver's commands on stdin, one JSON line each on stdout:
//!
//! ```text
//! (start)  -> @@ {"event":"loaded","load_ns":[..]}   or {"event":"error","stage":"load",..}
//! run      -> @@ {"event":"ran","ns":..,"checksum":".."} or {"event":"error","stage":"run",..}
//!             (stage "compile" from an engine that compiles lazily and refused the code)
//! quit     -> @@ {"event":"bye","start_rss_kb":..,"peak_rss_kb":..}
//! ```
//!
//! Only the `run` call itself is inside the timed region. Lines without the `@@ ` prefix
//! are ignored by the driver, so an engine printing to stdout cannot corrupt the protocol.
//! `bench/scripts/wasm3_worker.py` speaks the same protocol.

use crate::engines::{self, Loaded};
use serde_json::json;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::time::Instant;

pub const PREFIX: &str = "@@ ";

fn emit(value: serde_json::Value) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{PREFIX}{value}");
    let _ = out.flush();
}

/// A field of `/proc/self/status` in KiB (`VmRSS`, `VmHWM`), where there is one.
pub fn proc_status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.trim().trim_end_matches("kB").trim().parse().ok()
    })
}

pub struct WorkerArgs {
    pub engine: String,
    pub wasm: PathBuf,
    pub n: i32,
    pub load_reps: usize,
    /// The engine's lazy compilation mode (`--lazy`), for the start-up measurement.
    pub lazy: bool,
}

pub fn main(args: WorkerArgs) -> i32 {
    let start_rss_kb = proc_status_kb("VmRSS");
    let bytes = match std::fs::read(&args.wasm) {
        Ok(b) => b,
        Err(e) => {
            emit(
                json!({"event": "error", "stage": "load", "message": format!("cannot read {}: {e}", args.wasm.display())}),
            );
            return 1;
        }
    };
    let mut runner = match engines::runner(&args.engine, args.lazy) {
        Ok(r) => r,
        Err(message) => {
            emit(json!({"event": "error", "stage": "load", "message": message}));
            return 1;
        }
    };
    let mut load_ns = Vec::new();
    let mut loaded: Option<Box<dyn Loaded>> = None;
    for _ in 0..args.load_reps.max(1) {
        // Drop the previous instance outside the timed region.
        drop(loaded.take());
        let start = Instant::now();
        match runner.load(&bytes) {
            Ok(l) => {
                load_ns.push(start.elapsed().as_nanos() as u64);
                loaded = Some(l);
            }
            Err(message) => {
                emit(json!({"event": "error", "stage": "load", "message": message}));
                return 1;
            }
        }
    }
    let mut loaded = loaded.expect("loaded at least once");
    emit(json!({"event": "loaded", "load_ns": load_ns}));

    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        match line.trim() {
            "run" => {
                let start = Instant::now();
                let result = loaded.call(args.n);
                let ns = start.elapsed().as_nanos() as u64;
                match result {
                    Ok(checksum) => emit(json!({"event": "ran", "ns": ns, "checksum": checksum.to_string()})),
                    Err(message) => emit(json!({"event": "error", "stage": "run", "message": message})),
                }
            }
            "quit" | "" => break,
            other => {
                emit(json!({"event": "error", "stage": "protocol", "message": format!("unknown command `{other}`")}))
            }
        }
    }
    drop(loaded);
    emit(json!({"event": "bye", "start_rss_kb": start_rss_kb, "peak_rss_kb": proc_status_kb("VmHWM")}));
    0
}
