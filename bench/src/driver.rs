//! The driver: starts one worker per engine for a program, then calls `run` on each of
//! them in turn, run by run, so that machine drift hits every engine alike.

use crate::engines;
use crate::manifest::{self, Program};
use crate::model::{Cell, ProgramResult, Status};
use crate::process::{self, Worker, WorkerFailure};
use crate::stats::median;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// How to start an engine's worker.
#[derive(Clone, Debug)]
pub enum Launcher {
    /// A gannet-bench binary in worker mode (this one, or the nightly build).
    Harness(PathBuf),
    /// `python3 bench/scripts/wasm3_worker.py`.
    Python { python: String, script: PathBuf },
    /// `target/bench/native/<name> N`, once per run.
    Native,
    /// The engine cannot run at all here; the reason goes into every cell.
    Unavailable(String),
}

pub struct Plan {
    pub quick: bool,
    pub runs: usize,
    pub load_reps: usize,
    /// Engines in their lazy compilation mode (`worker --lazy`): the start-up measurement.
    pub lazy: bool,
    pub timeout: Duration,
    pub bench_dir: PathBuf,
    /// Where binary copies of `.wat` programs go.
    pub scratch: PathBuf,
    pub verbose: bool,
}

/// One engine's live state for one program.
struct Slot {
    cell: Cell,
    worker: Option<Worker>,
    native: Option<PathBuf>,
    /// Still taking part in the runs.
    live: bool,
}

pub fn measure(plan: &Plan, program: &Program, engines: &[(String, Launcher)], native_dir: &Path) -> ProgramResult {
    let n = program.n(plan.quick);
    let expected = program.expected(plan.quick).expect("checked when the manifest was loaded");
    let mut result = ProgramResult {
        name: program.name.clone(),
        layer: program.layer.clone(),
        n,
        wasm: program.wasm.clone(),
        expected: expected.to_string(),
        features: program.features.clone(),
        native: program.native.clone(),
        scalar: program.scalar.clone(),
        cells: Vec::new(),
    };
    let module = match prepare_module(plan, program) {
        Ok(p) => p,
        Err(e) => {
            for (engine, launcher) in engines {
                if matches!(launcher, Launcher::Native) && program.native.is_none() {
                    continue;
                }
                let mut cell = Cell::new(engine);
                cell.fail(Status::NotAvailable, format!("module missing: {e}"));
                result.cells.push(cell);
            }
            return result;
        }
    };

    // Start the workers one after another; each times its own loads.
    let mut slots: Vec<Slot> = Vec::new();
    for (engine, launcher) in engines {
        let mut slot = Slot { cell: Cell::new(engine), worker: None, native: None, live: false };
        // An engine that lacks a proposal the program needs is not even started.
        let missing = engines::missing_proposal(engine, &program.features)
            .map(|p| format!("no `{p}` support (as declared in bench/src/engines/mod.rs): not loaded"));
        match launcher {
            Launcher::Native if program.native.is_none() => continue,
            _ if missing.is_some() => slot.cell.fail(Status::NotAvailable, missing.unwrap_or_default()),
            Launcher::Unavailable(reason) => slot.cell.fail(Status::NotAvailable, reason.clone()),
            Launcher::Native => {
                let Some(name) = &program.native else { continue };
                let path = native_dir.join(name);
                if path.is_file() {
                    slot.native = Some(path);
                    slot.live = true;
                } else {
                    slot.cell.fail(
                        Status::NotAvailable,
                        format!("native binary {} not built (run bench/build.sh)", path.display()),
                    );
                }
            }
            Launcher::Harness(_) | Launcher::Python { .. } => {
                let command = worker_command(launcher, engine, &module, n, plan);
                start_worker(plan, command, &mut slot);
            }
        }
        log(plan, &format!("  {engine}: {}", describe_start(&slot)));
        slots.push(slot);
    }

    // The warm-up call: it is where lazy engines compile, so it is kept apart.
    for slot in slots.iter_mut().filter(|s| s.live) {
        if let Some(ns) = one_run(plan, slot, n, expected) {
            slot.cell.first_ns = Some(ns);
        }
    }
    // The timed runs, interleaved: run i of every engine before run i + 1 of any, with
    // the starting engine rotating so that no engine always goes first.
    for i in 0..plan.runs {
        let count = slots.len();
        for k in 0..count {
            let slot = &mut slots[(i + k) % count];
            if !slot.live {
                continue;
            }
            if let Some(ns) = one_run(plan, slot, n, expected) {
                slot.cell.run_ns.push(ns);
            }
        }
    }

    for mut slot in slots {
        if let Some(worker) = slot.worker.take() {
            let (bye, exit) = worker.finish(Duration::from_secs(30));
            if let Some(bye) = bye {
                slot.cell.start_rss_kb = bye["start_rss_kb"].as_u64();
                slot.cell.peak_rss_kb = bye["peak_rss_kb"].as_u64();
            }
            // The kernel's figure for the whole process wins over the worker's own.
            if let Some(exit) = exit
                && exit.max_rss_kb > 0
            {
                slot.cell.peak_rss_kb = Some(exit.max_rss_kb);
            }
        }
        let cell = &mut slot.cell;
        cell.load_median_ns = median(&cell.load_ns);
        if cell.ok() {
            cell.median_ns = median(&cell.run_ns);
            cell.min_ns = cell.run_ns.iter().copied().min();
        }
        result.cells.push(slot.cell);
    }
    result
}

fn log(plan: &Plan, line: &str) {
    if plan.verbose {
        eprintln!("{line}");
    }
}

fn describe_start(slot: &Slot) -> String {
    match slot.cell.status {
        Status::Ok if slot.native.is_some() => "native binary".to_string(),
        Status::Ok => format!("loaded in {}", crate::report::fmt_ns(median(&slot.cell.load_ns).unwrap_or(0))),
        _ => format!("n/a: {}", slot.cell.reason.as_deref().unwrap_or("")),
    }
}

/// The module file every worker reads: the program's own `.wasm`, or a binary copy of a
/// `.wat` program made here, outside of any timing.
fn prepare_module(plan: &Plan, program: &Program) -> Result<PathBuf, String> {
    let source = manifest::module_path(&plan.bench_dir, program);
    if source.extension().is_some_and(|e| e == "wat") {
        let bytes = manifest::read_module(&source)?;
        std::fs::create_dir_all(&plan.scratch).map_err(|e| format!("{}: {e}", plan.scratch.display()))?;
        let out = plan.scratch.join(format!("{}.wasm", program.name));
        std::fs::write(&out, bytes).map_err(|e| format!("{}: {e}", out.display()))?;
        Ok(out)
    } else if source.is_file() {
        Ok(source)
    } else {
        Err(format!("{} does not exist (run bench/build.sh)", source.display()))
    }
}

fn worker_command(launcher: &Launcher, engine: &str, module: &Path, n: i32, plan: &Plan) -> Command {
    let mut command = match launcher {
        Launcher::Harness(exe) => {
            let mut c = Command::new(exe);
            c.args(["worker", "--engine", engine]);
            c
        }
        Launcher::Python { python, script } => {
            let mut c = Command::new(python);
            c.arg(script);
            c
        }
        _ => unreachable!("not a protocol worker"),
    };
    command.arg("--wasm").arg(module).args(["--n", &n.to_string(), "--load-reps", &plan.load_reps.to_string()]);
    if plan.lazy {
        command.arg("--lazy");
    }
    command
}

fn start_worker(plan: &Plan, command: Command, slot: &mut Slot) {
    let mut worker = match Worker::spawn(command) {
        Ok(w) => w,
        Err(e) => {
            slot.cell.fail(Status::NotAvailable, e);
            return;
        }
    };
    match worker.recv(plan.timeout) {
        Ok(msg) if msg["event"] == "loaded" => {
            slot.cell.load_ns =
                msg["load_ns"].as_array().map(|a| a.iter().filter_map(|v| v.as_u64()).collect()).unwrap_or_default();
            slot.worker = Some(worker);
            slot.live = true;
        }
        Ok(msg) => {
            let message = msg["message"].as_str().unwrap_or("unexpected worker message").to_string();
            slot.cell.fail(Status::NotAvailable, message);
            finish_failed(worker, slot);
        }
        Err(WorkerFailure::Timeout(t)) => {
            slot.cell.fail(Status::Timeout, format!("loading took longer than {}s", t.as_secs()));
            finish_failed(worker, slot);
        }
        Err(WorkerFailure::Died(why)) => {
            slot.cell.fail(Status::Error, format!("while loading: {why}"));
            finish_failed(worker, slot);
        }
    }
}

fn finish_failed(worker: Worker, slot: &mut Slot) {
    if let Some(exit) = worker.kill()
        && exit.max_rss_kb > 0
    {
        slot.cell.peak_rss_kb = Some(exit.max_rss_kb);
    }
    slot.live = false;
}

/// One call of `run(n)` on a live slot; returns its time if the checksum was right.
fn one_run(plan: &Plan, slot: &mut Slot, n: i32, expected: i64) -> Option<u64> {
    let outcome: Result<(i64, u64), (Status, String)> = if let Some(path) = &slot.native {
        match process::run_native(path, n, plan.timeout) {
            Ok((sum, ns, rss)) => {
                slot.cell.peak_rss_kb = Some(slot.cell.peak_rss_kb.unwrap_or(0).max(rss));
                Ok((sum, ns))
            }
            Err(e) => Err((Status::Error, e)),
        }
    } else {
        let worker = slot.worker.as_mut().expect("a live slot has a worker");
        worker.send("run").map_err(|e| (Status::Error, e)).and_then(|_| match worker.recv(plan.timeout) {
            Ok(msg) if msg["event"] == "ran" => {
                let sum = msg["checksum"].as_str().and_then(|s| s.parse::<i64>().ok());
                let ns = msg["ns"].as_u64();
                match (sum, ns) {
                    (Some(sum), Some(ns)) => Ok((sum, ns)),
                    _ => Err((Status::Error, format!("malformed worker answer: {msg}"))),
                }
            }
            Ok(msg) => {
                // A lazily compiling engine that cannot compile the code: not a trap.
                let status = if msg["stage"] == "compile" { Status::NotAvailable } else { Status::Error };
                Err((status, msg["message"].as_str().unwrap_or("unexpected worker message").to_string()))
            }
            Err(WorkerFailure::Timeout(t)) => {
                Err((Status::Timeout, format!("a run took longer than {}s", t.as_secs())))
            }
            Err(WorkerFailure::Died(why)) => Err((Status::Error, why)),
        })
    };
    match outcome {
        Ok((sum, ns)) => {
            slot.cell.checksum = Some(sum.to_string());
            if sum == expected {
                Some(ns)
            } else {
                slot.cell.fail(Status::Wrong, format!("returned {sum}, expected {expected}"));
                stop(slot);
                None
            }
        }
        Err((status, reason)) => {
            slot.cell.fail(status, reason);
            stop(slot);
            None
        }
    }
}

fn stop(slot: &mut Slot) {
    slot.live = false;
    if let Some(worker) = slot.worker.take()
        && let Some(exit) = worker.kill()
        && exit.max_rss_kb > 0
    {
        slot.cell.peak_rss_kb = Some(exit.max_rss_kb);
    }
}
