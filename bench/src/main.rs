//! gannet-bench: runs Gannet side by side with other WebAssembly engines.
//!
//! ```text
//! cd bench && cargo run --release -- [--quick | --full] [--filter a,b] [--engines x,y] [--runs N]
//! ```
//!
//! Every engine runs in its own worker process per program (this binary in `worker`
//! mode, the nightly build of it for Gannet's tail-call dispatch, a Python script for
//! wasm3, or the program's native build), so that each has its own peak RSS and one
//! crash cannot take the others down. See `docs/benchmarks.md`.

mod driver;
mod engines;
mod manifest;
mod model;
mod process;
mod report;
mod startup;
mod stats;
mod worker;

use driver::{Launcher, Plan};
use model::{ALL_ENGINES, EngineInfo, Meta, Report};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const USAGE: &str = "\
gannet-bench: Gannet side by side with other WebAssembly engines

USAGE: gannet-bench [OPTIONS]
  --quick             quick sizes, one timed run (a smoke check)
  --full              full sizes (the default)
  --runs N            timed runs per engine and program (default 5; 1 with --quick)
  --load-reps N       loads per worker for the load-time median (default min(runs, 3))
  --filter A,B        only programs whose name contains one of these
  --layer L           only programs of this layer (micro, c, simd, tail-call)
  --engines X,Y       only these engines (default: all); known engines:
                      gannet-nightly gannet-nightly-fuel gannet-stable wasmi stitch wasm3
                      wasmtime-pulley wasmtime-cranelift native
  --manifest PATH     default bench/programs/manifest.json
  --out DIR           where report.{md,json,html} go (default target/bench)
  --timeout SECS      per load and per run (default 600)
  --nightly-bin PATH  a gannet-bench built with `--features nightly` (default: build it
                      with `cargo +nightly` into target/bench/nightly)
  --python PATH       the Python that has pywasm3 (default python3)
  --quiet             no progress on stderr
  --startup           instead of the suite: time parse + instantiate of a large module
                      in each engine's lazy mode (see --startup-mb, --startup-from)
  --startup-mb MB     the large module's size (default 20)
  --startup-from P    the suite program it is made from (default json)

Writes target/bench/report.{md,json,html} and prints the Markdown report. Exit status 1
when a Gannet build fails a program or any engine returns a wrong checksum, 2 on a usage
or setup error.
";

struct Options {
    quick: bool,
    runs: Option<usize>,
    load_reps: Option<usize>,
    filter: Vec<String>,
    layer: Option<String>,
    engines: Option<Vec<String>>,
    manifest: Option<PathBuf>,
    out: Option<PathBuf>,
    timeout: Duration,
    nightly_bin: Option<PathBuf>,
    python: String,
    quiet: bool,
    startup: bool,
    startup_mb: usize,
    startup_from: String,
}

fn list(value: &str) -> Vec<String> {
    value.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        quick: false,
        runs: None,
        load_reps: None,
        filter: Vec::new(),
        layer: None,
        engines: None,
        manifest: None,
        out: None,
        timeout: Duration::from_secs(600),
        nightly_bin: None,
        python: "python3".to_string(),
        quiet: false,
        startup: false,
        startup_mb: 20,
        startup_from: "json".to_string(),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || inline.clone().or_else(|| it.next().cloned()).ok_or(format!("{flag} needs a value"));
        let number = |v: String| v.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag {
            "--quick" => o.quick = true,
            "--full" => o.quick = false,
            "--runs" => o.runs = Some(number(value()?)?.max(1)),
            "--load-reps" => o.load_reps = Some(number(value()?)?.max(1)),
            "--filter" => o.filter.extend(list(&value()?)),
            "--layer" => o.layer = Some(value()?),
            "--engines" => o.engines = Some(list(&value()?)),
            "--manifest" => o.manifest = Some(PathBuf::from(value()?)),
            "--out" => o.out = Some(PathBuf::from(value()?)),
            "--timeout" => o.timeout = Duration::from_secs(number(value()?)?.max(1) as u64),
            "--nightly-bin" => o.nightly_bin = Some(PathBuf::from(value()?)),
            "--python" => o.python = value()?,
            "--quiet" => o.quiet = true,
            "--startup" => o.startup = true,
            "--startup-mb" => o.startup_mb = number(value()?)?.max(1),
            "--startup-from" => o.startup_from = value()?,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if let Some(engines) = &o.engines {
        for e in engines {
            if !ALL_ENGINES.contains(&e.as_str()) {
                return Err(format!("unknown engine `{e}`"));
            }
        }
    }
    Ok(o)
}

fn parse_worker_args(args: &[String]) -> Result<worker::WorkerArgs, String> {
    let (mut engine, mut wasm, mut n, mut load_reps, mut lazy) = (None, None, None, 1usize, false);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--engine" => engine = Some(value()?),
            "--wasm" => wasm = Some(PathBuf::from(value()?)),
            "--n" => n = Some(value()?.parse::<i32>().map_err(|e| format!("--n: {e}"))?),
            "--load-reps" => load_reps = value()?.parse().map_err(|e| format!("--load-reps: {e}"))?,
            "--lazy" => lazy = true,
            other => return Err(format!("worker: unknown option `{other}`")),
        }
    }
    Ok(worker::WorkerArgs {
        engine: engine.ok_or("worker: --engine is required")?,
        wasm: wasm.ok_or("worker: --wasm is required")?,
        n: n.ok_or("worker: --n is required")?,
        load_reps,
        lazy,
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("worker") {
        return match parse_worker_args(&args[1..]) {
            Ok(a) => ExitCode::from(worker::main(a) as u8),
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(2)
            }
        };
    }
    let options = match parse_options(&args) {
        Ok(o) => o,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}\n");
            }
            eprint!("{USAGE}");
            return ExitCode::from(if e.is_empty() { 0 } else { 2 });
        }
    };
    let outcome = if options.startup { run_startup(options) } else { run(options) };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// The repository root: `bench/..`, fixed when the harness was compiled.
fn repo_root() -> PathBuf {
    let bench = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    bench.parent().map(Path::to_path_buf).unwrap_or(bench)
}

fn command_output(program: &str, args: &[&str], dir: &Path) -> Option<String> {
    let out = Command::new(program).args(args).current_dir(dir).stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn cpu_model() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name").and_then(|r| r.split_once(':')).map(|(_, v)| v.trim().to_string()))
        .unwrap_or_else(|| "unknown CPU".to_string())
}

/// Builds the other Gannet dispatch variant of this harness (nightly `become` dispatch
/// when this binary is the stable one), containing only Gannet.
fn build_nightly(root: &Path, quiet: bool) -> Result<PathBuf, String> {
    let bench = root.join("bench");
    let target = root.join("target/bench/nightly");
    if !quiet {
        eprintln!("building gannet-bench with `--features nightly` (cargo +nightly) into {} ...", target.display());
    }
    let mut command = Command::new("rustup");
    command
        .args([
            "run",
            "nightly",
            "cargo",
            "build",
            "--release",
            "--locked",
            "--no-default-features",
            "--features",
            "nightly",
        ])
        .arg("--manifest-path")
        .arg(bench.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        // Run from bench/ so that bench/.cargo/config.toml applies as it does to this build.
        .current_dir(&bench)
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO")
        .env_remove("RUSTC")
        .env_remove("CARGO_TARGET_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    if quiet {
        command.stderr(Stdio::piped());
    }
    let out = command.output().map_err(|e| format!("cannot run rustup: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = err.lines().rev().take(5).collect();
        return Err(format!(
            "the nightly build failed ({}){}",
            out.status,
            if tail.is_empty() {
                String::new()
            } else {
                format!(": {}", tail.into_iter().rev().collect::<Vec<_>>().join(" | "))
            }
        ));
    }
    Ok(target.join("release/gannet-bench"))
}

fn engine_info(id: &str, wasm3_version: &str, git: &str) -> EngineInfo {
    let gannet_version = format!("{} (git {git})", env!("BENCH_GANNET_VERSION"));
    let (name, version, config) = match id {
        "gannet-nightly" => (
            "Gannet, nightly build",
            gannet_version,
            "`--features nightly`: handlers jump to each other with guaranteed tail calls (`become`); eager translation".to_string(),
        ),
        "gannet-nightly-fuel" => (
            "Gannet, nightly build, fuel on",
            gannet_version,
            "as gannet-nightly, plus `Config::consume_fuel(true)` and fuel u64::MAX: the cost of metering (with fuel off the translator emits no fuel ops at all)".to_string(),
        ),
        "gannet-stable" => (
            "Gannet, stable build",
            gannet_version,
            "handlers return to a dispatch loop; eager translation".to_string(),
        ),
        "wasmi" => (
            "wasmi",
            format!("={}", env!("BENCH_WASMI_VERSION")),
            "features std+validate+auto-dispatch+simd (tail-call dispatch; no memory64, which its docs say slows loads/stores); CompilationMode::Eager; fuel off".to_string(),
        ),
        "stitch" => (
            "makepad-stitch",
            format!("={}", env!("BENCH_STITCH_VERSION")),
            "no options; compiles each function on first call".to_string(),
        ),
        "wasm3" => (
            "wasm3 via pywasm3",
            wasm3_version.to_string(),
            "bench/scripts/wasm3_worker.py; 8 MiB stack; compiles each function on first call; time of the call only (perf_counter_ns)".to_string(),
        ),
        "wasmtime-pulley" => (
            "Wasmtime, Pulley interpreter",
            format!("={}", env!("BENCH_WASMTIME_VERSION")),
            format!("Config::target(\"pulley64\"), Cranelift opt-level speed, interpreter loop: {}", env!("BENCH_PULLEY_LOOP")),
        ),
        "wasmtime-cranelift" => (
            "Wasmtime, Cranelift JIT",
            format!("={}", env!("BENCH_WASMTIME_VERSION")),
            "Cranelift, opt-level speed, signals-based bounds checks, parallel compilation (defaults)".to_string(),
        ),
        "native" => (
            "native build",
            "bench/build.sh".to_string(),
            "target/bench/native/<name> N, one process per run; its own clock".to_string(),
        ),
        _ => ("?", String::new(), String::new()),
    };
    let _ = name;
    EngineInfo { id: id.to_string(), name: name.to_string(), version, config }
}

/// How to start each engine the options ask for, in column order.
fn launchers(o: &Options, root: &Path, notes: &mut Vec<String>) -> Result<Vec<(String, Launcher)>, String> {
    let bench_dir = root.join("bench");
    let explicit = o.engines.is_some();
    let wanted: Vec<String> = o.engines.clone().unwrap_or_else(|| ALL_ENGINES.iter().map(|s| s.to_string()).collect());
    let self_exe = std::env::current_exe().map_err(|e| format!("cannot find this executable: {e}"))?;
    let mut nightly_exe: Option<Result<PathBuf, String>> = None;
    let mut launchers: Vec<(String, Launcher)> = Vec::new();
    for engine in ALL_ENGINES.iter().filter(|e| wanted.iter().any(|w| w == *e)) {
        let launcher = match *engine {
            "wasm3" => Launcher::Python { python: o.python.clone(), script: bench_dir.join("scripts/wasm3_worker.py") },
            "native" => Launcher::Native,
            "gannet-nightly" | "gannet-nightly-fuel" if !engines::compiled_in(engine) => {
                let exe = nightly_exe.get_or_insert_with(|| match &o.nightly_bin {
                    Some(p) => Ok(p.clone()),
                    None => build_nightly(root, o.quiet),
                });
                match exe {
                    Ok(p) => Launcher::Harness(p.clone()),
                    Err(e) => Launcher::Unavailable(e.clone()),
                }
            }
            e if engines::compiled_in(e) => Launcher::Harness(self_exe.clone()),
            e if !explicit => {
                notes.push(format!("{e} skipped: not built into this harness binary (cargo feature off)"));
                continue;
            }
            e => Launcher::Unavailable(format!("{e} is not built into this harness binary (cargo feature off)")),
        };
        launchers.push((engine.to_string(), launcher));
    }
    if let Some(Err(e)) = &nightly_exe
        && !o.quiet
    {
        eprintln!("warning: gannet-nightly unavailable: {e}");
    }

    Ok(launchers)
}

fn run(o: Options) -> Result<bool, String> {
    let started = Instant::now();
    let root = repo_root();
    let bench_dir = root.join("bench");
    let out_dir = o.out.clone().unwrap_or_else(|| root.join("target/bench"));
    let log = |s: &str| {
        if !o.quiet {
            eprintln!("{s}");
        }
    };
    let mut notes = Vec::new();

    // Programs.
    let default_manifest = bench_dir.join("programs/manifest.json");
    let manifest_path = match &o.manifest {
        Some(p) => p.clone(),
        None if default_manifest.is_file() => default_manifest,
        None => {
            let fallback = bench_dir.join("src/testdata/manifest.json");
            notes.push(format!(
                "{} does not exist yet: ran the harness's own test programs ({})",
                default_manifest.display(),
                fallback.display()
            ));
            log(&format!("note: no bench/programs/manifest.json, using {}", fallback.display()));
            fallback
        }
    };
    let mut programs = manifest::load(&manifest_path)?;
    // Module paths in the fallback manifest are relative to bench/ like the real one.
    programs.retain(|p| o.filter.is_empty() || o.filter.iter().any(|f| p.name.contains(f.as_str())));
    if let Some(layer) = &o.layer {
        programs.retain(|p| &p.layer == layer);
    }
    if programs.is_empty() {
        return Err("no program matches the filters".to_string());
    }

    let launchers = launchers(&o, &root, &mut notes)?;

    let quick = o.quick;
    let runs = o.runs.unwrap_or(if quick { 1 } else { 5 });
    let load_reps = o.load_reps.unwrap_or(runs.min(3));
    let plan = Plan {
        quick,
        runs,
        load_reps,
        lazy: false,
        timeout: o.timeout,
        bench_dir: bench_dir.clone(),
        scratch: out_dir.join("modules"),
        verbose: !o.quiet,
    };

    let native_dir = root.join("target/bench/native");
    let mut results = Vec::new();
    for (i, program) in programs.iter().enumerate() {
        log(&format!("[{}/{}] {} ({}, n = {})", i + 1, programs.len(), program.name, program.layer, program.n(quick)));
        let r = driver::measure(&plan, program, &launchers, &native_dir);
        for c in &r.cells {
            match c.median_ns {
                Some(m) if c.ok() => log(&format!("    {:<20} {}", c.engine, report::fmt_ns(m))),
                _ => log(&format!(
                    "    {:<20} {}: {}",
                    c.engine,
                    report::status_word(c.status),
                    c.reason.as_deref().unwrap_or("")
                )),
            }
        }
        results.push(r);
    }

    // Metadata.
    let git = command_output("git", &["rev-parse", "--short", "HEAD"], &root).unwrap_or_else(|| "unknown".into());
    let dirty =
        command_output("git", &["status", "--porcelain", "--untracked-files=no"], &root).is_some_and(|s| !s.is_empty());
    let git = if dirty { format!("{git} (with local changes)") } else { git };
    let wasm3_version = command_output(&o.python, &["-c", "import wasm3; print('pywasm3 ' + wasm3.M3_VERSION)"], &root)
        .unwrap_or_else(|| "pywasm3 not installed".into());
    let engines_info: Vec<EngineInfo> = launchers.iter().map(|(id, _)| engine_info(id, &wasm3_version, &git)).collect();
    let engine_ids: Vec<String> = launchers.iter().map(|(id, _)| id.clone()).collect();
    let summary = stats::summarize(&results, &engine_ids);
    let mut command = String::from("gannet-bench");
    for a in std::env::args().skip(1) {
        command.push(' ');
        command.push_str(&a);
    }
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default().trim().to_string();
    if env!("BENCH_PROFILE") != "release" {
        notes.push(format!(
            "the harness was built with the `{}` profile: numbers are meaningless",
            env!("BENCH_PROFILE")
        ));
    }
    let report = Report {
        meta: Meta {
            mode: if quick { "quick" } else { "full" }.to_string(),
            runs,
            load_reps,
            started_unix: SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0),
            duration_s: started.elapsed().as_secs_f64(),
            command,
            git,
            cpu: cpu_model(),
            cores: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            kernel,
            rustc_stable: command_output("rustup", &["run", "stable", "rustc", "-V"], &root)
                .unwrap_or_else(|| "stable rustc unknown".into()),
            rustc_nightly: command_output("rustup", &["run", "nightly", "rustc", "-V"], &root)
                .unwrap_or_else(|| "nightly rustc unknown".into()),
            manifest: manifest_path.strip_prefix(&root).unwrap_or(&manifest_path).display().to_string(),
            notes,
        },
        engines: engines_info,
        programs: results,
        summary,
    };

    let md = report::markdown(&report);
    print!("{md}");
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    for (name, text) in
        [("report.md", md.as_str()), ("report.json", json.as_str()), ("report.html", report::html(&report).as_str())]
    {
        let path = out_dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    log(&format!("wrote {}/report.{{md,json,html}} in {:.1}s", out_dir.display(), started.elapsed().as_secs_f64()));
    if !report.summary.failures.is_empty() {
        eprintln!("\n❌ {} FAILURE(S):", report.summary.failures.len());
        for f in &report.summary.failures {
            eprintln!("  {f}");
        }
    }
    // The exit status fails on what must never happen: a Gannet build not running a
    // program correctly, or any engine returning a wrong checksum. A peer engine that
    // crashes or traps is reported just as loudly but does not fail the run.
    let fatal = report
        .programs
        .iter()
        .flat_map(|p| &p.cells)
        .any(|c| c.status == model::Status::Wrong || (c.engine.starts_with("gannet") && !c.ok()));
    Ok(!fatal)
}

/// `--startup`: the large module made from `--startup-from`, loaded by every engine in its
/// lazy mode `--load-reps` times (default 5) in its own worker, then `run` called once
/// with the program's quick size to check the checksum.
fn run_startup(o: Options) -> Result<bool, String> {
    let root = repo_root();
    let bench_dir = root.join("bench");
    let out_dir = o.out.clone().unwrap_or_else(|| root.join("target/bench"));
    let manifest_path = o.manifest.clone().unwrap_or_else(|| bench_dir.join("programs/manifest.json"));
    let programs = manifest::load(&manifest_path)?;
    let source = programs
        .iter()
        .find(|p| p.name == o.startup_from)
        .ok_or_else(|| format!("no program `{}` in {}", o.startup_from, manifest_path.display()))?;
    let wasm = manifest::read_module(&manifest::module_path(&bench_dir, source))?;
    let (big, info) = startup::amplify(&wasm, o.startup_mb * 1_000_000)?;
    let scratch = out_dir.join("modules");
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let name = format!("startup-{}-{}mb", source.name, o.startup_mb);
    let module_path = scratch.join(format!("{name}.wasm"));
    std::fs::write(&module_path, &big).map_err(|e| format!("{}: {e}", module_path.display()))?;
    let mut notes = Vec::new();
    let launchers: Vec<(String, Launcher)> =
        launchers(&o, &root, &mut notes)?.into_iter().filter(|(id, _)| id != "native").collect();
    let program = manifest::Program {
        name: name.clone(),
        wasm: module_path.display().to_string(),
        // One run at the quick size: only the checksum matters here.
        full: source.quick,
        expect: manifest::Expect { quick: source.expect.quick.clone(), full: source.expect.quick.clone() },
        native: None,
        ..source.clone()
    };
    let plan = Plan {
        quick: false,
        runs: 0,
        load_reps: o.load_reps.unwrap_or(5),
        lazy: true,
        timeout: o.timeout,
        bench_dir: bench_dir.clone(),
        scratch,
        verbose: !o.quiet,
    };
    if !o.quiet {
        eprintln!("{name}: {} bytes, {} defined functions", info.bytes_len, info.defined_functions);
    }
    let result = driver::measure(&plan, &program, &launchers, &root.join("target/bench/native"));
    let git = command_output("git", &["rev-parse", "--short", "HEAD"], &root).unwrap_or_else(|| "unknown".into());
    let command = std::iter::once("gannet-bench".to_string()).chain(std::env::args().skip(1)).collect::<Vec<_>>();
    let configs: Vec<(String, String)> = launchers.iter().map(|(id, _)| (id.clone(), startup_config(id))).collect();
    let rows: Vec<startup::Row<'_>> = result
        .cells
        .iter()
        .map(|cell| startup::Row {
            engine: &cell.engine,
            cell,
            config: configs.iter().find(|(id, _)| *id == cell.engine).map(|(_, c)| c.as_str()).unwrap_or(""),
        })
        .collect();
    let mut md = startup::markdown(&source.wasm, &info, &command.join(" "), &rows);
    md.push_str(&format!(
        "\ngit {git}, {} ({} cores)\n",
        cpu_model(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    ));
    for note in &notes {
        md.push_str(&format!("\nnote: {note}\n"));
    }
    print!("{md}");
    let json = serde_json::json!({"module": info, "source": source.wasm, "git": git, "result": result});
    for (file, text) in [("startup.md", md), ("startup.json", json.to_string())] {
        let path = out_dir.join(file);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    // Only Gannet failing to load or run the module fails the run.
    Ok(!result.cells.iter().any(|c| c.engine.starts_with("gannet") && !c.ok()))
}

/// How each engine is configured for `--startup`.
fn startup_config(id: &str) -> String {
    match id {
        "gannet-nightly" | "gannet-nightly-fuel" | "gannet-stable" => {
            "`CompilationMode::Lazy` (the default): bodies are validated and translated on their first call".into()
        }
        "wasmi" => "`CompilationMode::Lazy`: bodies are validated and translated on their first call".into(),
        "stitch" => "no options: validates the whole module up front, compiles each function on its first call".into(),
        "wasm3" => "pywasm3: parse + load; compiles each function on its first call".into(),
        "wasmtime-pulley" | "wasmtime-cranelift" => "compiles every function up front (no lazy mode)".into(),
        other => other.to_string(),
    }
}
