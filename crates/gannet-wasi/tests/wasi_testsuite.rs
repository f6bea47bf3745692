//! Runs the official WASI preview 1 testsuite programs and checks exit codes and output.
//!
//! The programs live outside the repository: `../shared/wasi-testsuite` beside the
//! project's root by default, or the folder `GANNET_WASI_TESTSUITE` names. Each test runs
//! in a temporary copy of its directory, so the shared folder is never modified.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use gannet::{Engine, Linker, Module, Store};
use gannet_wasi::{OutputPipe, WasiCtx, WasiCtxBuilder};
use serde_json::Value;

const SUITES: &[&str] = &[
    "tests/c/testsuite/wasm32-wasip1",
    "tests/rust/testsuite/wasm32-wasip1",
    "tests/assemblyscript/testsuite/wasm32-wasip1",
];

/// A test that runs longer than this has hung.
const TIMEOUT: Duration = Duration::from_secs(120);

fn testsuite_root() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("GANNET_WASI_TESTSUITE") {
        return Some(PathBuf::from(path));
    }
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/wasi-testsuite");
    default.is_dir().then_some(default)
}

struct Expectation {
    args: Vec<String>,
    env: Vec<(String, String)>,
    root: Option<String>,
    exit_code: i32,
    stdout: Option<String>,
    stderr: Option<String>,
}

fn expectation(wasm: &Path) -> Result<Expectation, String> {
    let json_path = wasm.with_extension("json");
    let spec: Value = match std::fs::read_to_string(&json_path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| format!("{}: {e}", json_path.display()))?,
        Err(_) => Value::Object(Default::default()),
    };
    let strings = |value: &Value| -> Vec<String> {
        value.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect()).unwrap_or_default()
    };
    let text = |key: &str| spec.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).map(String::from);
    Ok(Expectation {
        args: strings(&spec["args"]),
        env: spec
            .get("env")
            .and_then(Value::as_object)
            .map(|env| env.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
            .unwrap_or_default(),
        root: text("root"),
        exit_code: spec.get("exit_code").and_then(Value::as_i64).unwrap_or(0) as i32,
        stdout: text("stdout"),
        stderr: text("stderr"),
    })
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        let file_type = entry.file_type()?;
        if file_type.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else if file_type.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(entry.path())?, &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Removes `*.cleanup` leftovers, as the testsuite's format asks before a run.
fn remove_cleanup(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|ext| ext == "cleanup") {
            let _ = std::fs::remove_dir_all(&path).or_else(|_| std::fs::remove_file(&path));
        } else if entry.file_type().is_ok_and(|t| t.is_dir()) {
            remove_cleanup(&path);
        }
    }
}

/// Runs one program; `Err` describes how it failed.
fn run_test(wasm: &Path) -> Result<(), String> {
    let expected = expectation(wasm)?;
    let scratch = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
    let mut builder = WasiCtxBuilder::new();
    let name = wasm.file_name().unwrap().to_string_lossy().to_string();
    builder.arg(&name).args(&expected.args);
    for (key, value) in &expected.env {
        builder.env(key, value);
    }
    if let Some(root) = &expected.root {
        let copy = scratch.path().join(root);
        copy_dir(&wasm.parent().unwrap().join(root), &copy).map_err(|e| format!("copying `{root}`: {e}"))?;
        remove_cleanup(&copy);
        builder.preopened_dir(&copy, "/").map_err(|e| e.to_string())?;
    }
    let (stdout, stderr) = (OutputPipe::new(), OutputPipe::new());
    builder.stdout(stdout.clone()).stderr(stderr.clone());
    let wasi = builder.build();

    let engine = Engine::default();
    let bytes = std::fs::read(wasm).map_err(|e| e.to_string())?;
    let module = Module::new(&engine, &bytes).map_err(|e| format!("compile: {e}"))?;
    let mut store = Store::new(&engine, wasi);
    let mut linker = Linker::new(&engine);
    gannet_wasi::add_to_linker(&mut linker, &mut store, |wasi: &mut WasiCtx| wasi).map_err(|e| e.to_string())?;
    let instance = linker.instantiate(&mut store, &module).map_err(|e| format!("instantiate: {e}"))?;
    let start = instance.get_typed_func::<(), ()>(&store, "_start").map_err(|e| e.to_string())?;
    let exit_code = match start.call(&mut store, ()) {
        Ok(()) => 0,
        Err(gannet::Error::Exit(code)) => code,
        Err(error) => {
            return Err(format!("{error}\nstderr: {}", String::from_utf8_lossy(&stderr.contents())));
        }
    };
    let (out, err) = (
        String::from_utf8_lossy(&stdout.contents()).into_owned(),
        String::from_utf8_lossy(&stderr.contents()).into_owned(),
    );
    if exit_code != expected.exit_code {
        return Err(format!("exit code {exit_code}, expected {}\nstdout: {out}\nstderr: {err}", expected.exit_code));
    }
    if let Some(want) = &expected.stdout
        && *want != out
    {
        return Err(format!("stdout {out:?}, expected {want:?}"));
    }
    if let Some(want) = &expected.stderr
        && *want != err
    {
        return Err(format!("stderr {err:?}, expected {want:?}"));
    }
    Ok(())
}

#[test]
fn wasi_testsuite() {
    let Some(root) = testsuite_root() else {
        println!(
            "wasi-testsuite: skipped, no testsuite found at ../shared/wasi-testsuite beside the project; \
             set GANNET_WASI_TESTSUITE to a checkout of https://github.com/WebAssembly/wasi-testsuite \
             (branch prod/testsuite-base)"
        );
        return;
    };
    let filter = std::env::var("GANNET_WASI_FILTER").unwrap_or_default();
    let mut programs = Vec::new();
    for suite in SUITES {
        let dir = root.join(suite);
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let mut found: Vec<PathBuf> =
            entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "wasm")).collect();
        found.sort();
        programs.extend(found.into_iter().filter(|p| p.to_string_lossy().contains(&filter)));
    }
    assert!(!programs.is_empty(), "no test programs under {}", root.display());

    let mut failures = Vec::new();
    for program in &programs {
        let (send, receive) = mpsc::channel();
        let path = program.clone();
        std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(move || {
                let outcome =
                    std::panic::catch_unwind(|| run_test(&path)).unwrap_or_else(|_| Err("panicked".to_string()));
                let _ = send.send(outcome);
            })
            .unwrap();
        let outcome = receive.recv_timeout(TIMEOUT).unwrap_or_else(|_| Err(format!("timed out after {TIMEOUT:?}")));
        let name = program.strip_prefix(&root).unwrap_or(program).display().to_string();
        match outcome {
            Ok(()) => {}
            Err(why) => failures.push(format!("{name}: {why}")),
        }
    }
    for failure in &failures {
        println!("FAIL {failure}");
    }
    println!("wasi-testsuite: {} passed, {} failed", programs.len() - failures.len(), failures.len());
    assert!(failures.is_empty(), "{} WASI testsuite programs failed", failures.len());
}
