//! Deterministic, seeded runs of the fuzz targets' oracles, small enough for every
//! `cargo test`. A failure names the seed and prints the module as text.

use arbitrary::Unstructured;
use gannet_fuzz_smoke::{differential, gc, instantiate, seed_bytes, wasi, wat_of};

/// A module from `wasm-smith` with any feature Gannet supports, imports included.
fn smith_module(seed: u64) -> Option<Vec<u8>> {
    let data = seed_bytes(seed, 2048);
    let mut u = Unstructured::new(&data);
    let mut config = differential::smith_config(&mut u).ok()?;
    config.max_imports = 10;
    config.export_everything = true;
    Some(wasm_smith::Module::new(config, &mut u).ok()?.to_bytes())
}

#[test]
fn parse_validate_instantiate_smoke() {
    let (mut compiled, mut instantiated, mut calls) = (0, 0, 0);
    for seed in 0..3000u64 {
        let input = match seed % 3 {
            // Random bytes behind a valid header.
            0 => {
                let mut bytes = b"\0asm\x01\0\0\0".to_vec();
                bytes.extend(seed_bytes(seed, (seed as usize * 7) % 300));
                bytes
            }
            // A valid module.
            1 => smith_module(seed).unwrap_or_default(),
            // A valid module with a few bytes overwritten.
            _ => {
                let mut bytes = smith_module(seed).unwrap_or_default();
                let noise = seed_bytes(seed ^ 0xdead_beef, 16);
                for pair in noise.chunks(2) {
                    if !bytes.is_empty() {
                        let at = pair[0] as usize * 31 % bytes.len();
                        bytes[at] = pair[1];
                    }
                }
                bytes
            }
        };
        let result = std::panic::catch_unwind(|| instantiate::run(&input));
        let outcome = result.unwrap_or_else(|_| panic!("seed {seed} panicked; module:\n{}", wat_of(&input)));
        compiled += outcome.compiled as usize;
        instantiated += outcome.instantiated as usize;
        calls += outcome.calls;
    }
    println!("compiled {compiled}, instantiated {instantiated}, calls {calls}");
    assert!(compiled > 1000 && instantiated > 800 && calls > 400, "the inputs reach too little");
}

/// GC and exception handling, which wasmi cannot check: see `gannet_fuzz_smoke::gc`.
#[test]
fn gc_and_exceptions_smoke() {
    let engine = gc::engine();
    let (mut compiled, mut instantiated, mut calls) = (0, 0, 0);
    for seed in 0..1500u64 {
        let data = seed_bytes(seed ^ 0x6c_6c_6f_63, 4096);
        let result = std::panic::catch_unwind(|| gc::run(&engine, &data));
        let outcome = result.unwrap_or_else(|_| {
            let module = gc::generate(&mut Unstructured::new(&data)).unwrap_or_default();
            panic!("seed {seed} panicked; module:\n{}", wat_of(&module))
        });
        let Some(outcome) = outcome else { continue };
        compiled += outcome.compiled as usize;
        instantiated += outcome.instantiated as usize;
        calls += outcome.calls;
    }
    println!("gc: compiled {compiled}, instantiated {instantiated}, calls {calls}");
    assert!(compiled > 800 && instantiated > 600 && calls > 200, "the inputs reach too little");
}

#[test]
fn differential_smoke() {
    let (mut instantiated, mut calls, mut traps) = (0, 0, 0);
    for seed in 0..5000u64 {
        let data = seed_bytes(seed, 1024 + (seed as usize % 4) * 1024);
        match differential::run_bytes(&data) {
            Ok(Some(differential::Ran { stats, .. })) => {
                instantiated += stats.instantiated as usize;
                calls += stats.compared_calls;
                traps += stats.traps;
            }
            Ok(None) => {}
            Err(differential::Mismatch { wasm, message }) => {
                let path = std::env::temp_dir().join(format!("gannet-differential-{seed}.wasm"));
                let _ = std::fs::write(&path, &wasm);
                panic!("seed {seed}: {message}\n(module saved to {})\nmodule:\n{}", path.display(), wat_of(&wasm))
            }
        }
    }
    println!("instantiated {instantiated}, compared calls {calls}, traps {traps}");
    assert!(instantiated > 4000 && calls > 2000 && traps > 300, "the inputs reach too little");
}

#[test]
fn wasi_smoke() {
    let engine = gannet::Engine::default();
    let module = gannet::Module::new(&engine, wasi::guest_wat()).unwrap();
    let (mut calls, mut successes) = (0, 0);
    for seed in 0..300u64 {
        let data = seed_bytes(seed, 600);
        match wasi::run(&engine, &module, &data) {
            Ok(stats) => {
                calls += stats.calls;
                successes += stats.successes;
            }
            Err(message) => panic!("seed {seed}: {message}"),
        }
    }
    println!("WASI calls {calls}, succeeded {successes}");
    assert!(calls > 6000 && successes > 500, "the inputs reach too little");
}

/// The inputs the fuzzers found problems with (in `fuzz/corpus`) run cleanly.
#[test]
fn fuzz_findings_stay_fixed() {
    // A constant expression asking for a 400 MB array made instantiation gather its
    // elements as 16-byte values (6 GB) before checking any limit.
    let input = include_bytes!("../../../fuzz/corpus/gc/const-array-oom");
    let started = std::time::Instant::now();
    let outcome = gc::run(&gc::engine(), input).expect("the input makes a module");
    assert!(outcome.compiled);
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}
