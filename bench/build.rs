//! Records, at build time, facts the report prints: the exact versions of the peer
//! engines (read from Cargo.lock, so they cannot drift from what is linked) and which
//! dispatch loop Pulley was compiled with.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let lock_path = dir.join("Cargo.lock");
    println!("cargo::rerun-if-changed={}", lock_path.display());
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    let lock = fs::read_to_string(&lock_path).unwrap_or_default();
    for (krate, var) in [
        ("wasmi", "BENCH_WASMI_VERSION"),
        ("wasmtime", "BENCH_WASMTIME_VERSION"),
        ("makepad-stitch", "BENCH_STITCH_VERSION"),
        ("gannet", "BENCH_GANNET_VERSION"),
    ] {
        let version = locked_version(&lock, krate).unwrap_or_else(|| "unknown".to_string());
        println!("cargo::rustc-env={var}={version}");
    }
    let rustflags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let pulley_loop = if rustflags.contains("pulley_tail_calls") {
        "tail calls (become)"
    } else if rustflags.contains("pulley_assume_llvm_makes_tail_calls") {
        "tail calls (LLVM sibling calls)"
    } else {
        "match loop"
    };
    println!("cargo::rustc-env=BENCH_PULLEY_LOOP={pulley_loop}");
    let profile = env::var("PROFILE").unwrap_or_default();
    println!("cargo::rustc-env=BENCH_PROFILE={profile}");
}

/// The version of `name` in a Cargo.lock, looked up by hand (one `[[package]]` table per
/// crate; the harness links exactly one version of each engine).
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{name}\"") {
            let next = lines.next()?;
            let version = next.trim().strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(version.to_string());
        }
    }
    None
}
